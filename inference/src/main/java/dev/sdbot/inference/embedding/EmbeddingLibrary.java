package dev.sdbot.inference.embedding;

import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.lora.LoraLibrary;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.PickledWeights;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The textual-inversion embeddings a worker offers: {@code <models>/embeddings/NAME.safetensors} (or a pickled
 * {@code .pt}/{@code .bin}, read safely, or one of A1111's image embeddings {@code .png}/{@code .webp}), named NAME
 * as in A1111's {@code embeddings/} folder, subfolders included (A1111 walks them too) and empty files skipped. As
 * A1111, a picture that holds no embedding (a preview, {@code NAME.preview.png}, any other image) is no embedding:
 * it is left out, with one log line per file version saying why. Rescanned on every call; where two files have one name a
 * {@code .safetensors} wins, then the first path. Hashed as LoRA files are (A1111's short SHA-256); each file is read
 * once per version.
 */
public final class EmbeddingLibrary {
    /** Deep enough for any folder tree a person makes; bounds a walk through linked folders. */
    private static final int MAX_DEPTH = 8;
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingLibrary.class);

    private final Path dir;
    private final LoraLibrary hashes;
    private final Map<Path, Loaded> loaded = new ConcurrentHashMap<>();

    private final Map<Path, Checked> images = new ConcurrentHashMap<>();

    private record Loaded(long size, long modified, Embedding embedding) {
    }

    private record Checked(long size, long modified, boolean embedding) {
    }

    public EmbeddingLibrary(Path dir) {
        this.dir = dir;
        this.hashes = new LoraLibrary(dir);
    }

    /** The library of a models directory: its {@code embeddings/} folder. */
    public static EmbeddingLibrary inModels(Path modelsDir) {
        return new EmbeddingLibrary(modelsDir.resolve("embeddings"));
    }

    /** Name → file, sorted by name; empty when the folder does not exist. */
    public Map<String, Path> files() {
        Map<String, Path> files = new TreeMap<>();
        if (!Files.isDirectory(dir)) {
            return files;
        }
        try (Stream<Path> walk = Files.walk(dir, MAX_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
            walk.filter(p -> PickledWeights.isWeightsFileName(p.getFileName().toString())
                            || ImageEmbedding.isImageName(p.getFileName().toString()))
                    .filter(EmbeddingLibrary::isNonEmptyFile)
                    .filter(p -> !ImageEmbedding.isImageName(p.getFileName().toString()) || holdsEmbedding(p))
                    .sorted(Comparator.comparing((Path p) -> ImageEmbedding.isImageName(p.getFileName().toString()))
                            .thenComparing(PickledWeights::isPickled).thenComparing(Path::toString))
                    .forEach(p -> files.putIfAbsent(PickledWeights.stem(p.getFileName().toString()), p));
        } catch (IOException | UncheckedIOException e) {
            throw new UncheckedIOException("cannot list embeddings in " + dir,
                    e instanceof IOException io ? io : ((UncheckedIOException) e).getCause());
        }
        return files;
    }

    /** Whether an image carries an embedding A1111 would load; decided once per file version. */
    private boolean holdsEmbedding(Path image) {
        try {
            long size = Files.size(image);
            long modified = Files.getLastModifiedTime(image).toMillis();
            Checked known = images.get(image);
            if (known != null && known.size == size && known.modified == modified) {
                return known.embedding;
            }
            boolean embedding;
            try {
                EmbeddingFile.read(image, "", "");
                embedding = true;
            } catch (CheckpointException | UncheckedIOException e) {
                LOG.warn("{} is skipped: {}", image, e.getMessage());
                embedding = false;
            }
            images.put(image, new Checked(size, modified, embedding));
            return embedding;
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean isNonEmptyFile(Path p) {
        try {
            return Files.isRegularFile(p) && Files.size(p) > 0;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The embedding called {@code name}, or null when there is none.
     *
     * @throws CheckpointException when its file is none of the embedding formats
     */
    public Embedding load(String name) {
        Path path = files().get(name);
        if (path == null) {
            return null;
        }
        try {
            long size = Files.size(path);
            long modified = Files.getLastModifiedTime(path).toMillis();
            Loaded known = loaded.get(path);
            if (known != null && known.size == size && known.modified == modified) {
                return known.embedding;
            }
            Embedding embedding = EmbeddingFile.read(path, name, hashes.shortHash(path));
            loaded.put(path, new Loaded(size, modified, embedding));
            return embedding;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read embedding " + path, e);
        }
    }

    /** The family of each embedding whose widths tell it ({@link Embedding#family()}); unreadable files are left out. */
    public Map<String, ModelFamily> families() {
        Map<String, ModelFamily> families = new TreeMap<>();
        for (String name : files().keySet()) {
            try {
                ModelFamily family = load(name).family();
                if (family != null) {
                    families.put(name, family);
                }
            } catch (CheckpointException | UncheckedIOException e) {
                // using it reports why it cannot be read
            }
        }
        return families;
    }
}
