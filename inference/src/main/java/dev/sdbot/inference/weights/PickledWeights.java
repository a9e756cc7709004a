package dev.sdbot.inference.weights;

import dev.sdbot.inference.weights.pickled.TorchArchive;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Pickled weights ({@code .ckpt .pt .pth .bin}) read safely: the restricted reader turns them into a
 * {@code .safetensors} file, which every loader then memory-maps as usual. Loading converts once into a private cache
 * (keyed by path, size and modification time); {@code ./sdbot models convert} writes the file beside the original.
 */
public final class PickledWeights {
    /** File name endings of pickled weights, lower case. */
    public static final List<String> SUFFIXES = List.of(".ckpt", ".pt", ".pth", ".bin");

    private PickledWeights() {
    }

    public static boolean isPickled(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return SUFFIXES.stream().anyMatch(name::endsWith);
    }

    /** Whether {@code name} is a weights file sdbot can read: safetensors or pickled. */
    public static boolean isWeightsFileName(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        return lower.endsWith(".safetensors") || SUFFIXES.stream().anyMatch(lower::endsWith);
    }

    /** {@code name} without its weights-file extension. */
    public static String stem(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /**
     * Converts {@code source} to {@code target}.
     *
     * @throws dev.sdbot.inference.weights.pickled.PickleRefusedException when the pickle holds more than weights
     */
    public static void convert(Path source, Path target) {
        try (TorchArchive archive = TorchArchive.open(source)) {
            archive.writeSafetensors(target);
        }
    }

    /** The converted twin of {@code source} in the cache, converting it first when the cache lacks this version. */
    static synchronized Path cached(Path source) {
        try {
            Path dir = cacheDir();
            String key = source.toAbsolutePath().normalize() + "|" + Files.size(source) + "|"
                    + Files.getLastModifiedTime(source).toMillis();
            Path twin = dir.resolve(sha256(key).substring(0, 24) + ".safetensors");
            if (!Files.isRegularFile(twin)) {
                convert(source, twin);
            }
            return twin;
        } catch (IOException e) {
            throw new CheckpointException("cannot convert " + source + ": " + e.getMessage(), e);
        }
    }

    /** {@code sdbot.converted.dir} or {@code $TMPDIR/sdbot-converted-USER}, readable by its owner only. */
    private static Path cacheDir() throws IOException {
        String configured = System.getProperty("sdbot.converted.dir");
        Path dir = configured != null ? Path.of(configured)
                : Path.of(System.getProperty("java.io.tmpdir"), "sdbot-converted-" + System.getProperty("user.name"));
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        return dir;
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
