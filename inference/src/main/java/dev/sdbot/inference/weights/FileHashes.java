package dev.sdbot.inference.weights;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The SHA-256 of weight files (A1111 names checkpoints and LoRAs by its first hex digits: {@code Model hash} 10,
 * {@code Lora hashes} 12), read once per file version (path, size, modification time) in this process: hashing a
 * multi-gigabyte checkpoint takes seconds, so only the first image of a model pays it.
 */
public final class FileHashes {
    private static final Map<Path, Hashed> HASHES = new ConcurrentHashMap<>();

    private record Hashed(long size, long modified, String sha256) {
    }

    private FileHashes() {
    }

    /** The file's SHA-256 in lower-case hex. */
    public static String sha256(Path file) {
        try {
            Path key = file.toAbsolutePath();
            long size = Files.size(key);
            long modified = Files.getLastModifiedTime(key).toMillis();
            Hashed known = HASHES.get(key);
            if (known != null && known.size == size && known.modified == modified) {
                return known.sha256;
            }
            String hash = digest(key);
            HASHES.put(key, new Hashed(size, modified, hash));
            return hash;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot hash " + file, e);
        }
    }

    /** A1111's {@code Model hash} of a checkpoint file: the first 10 hex digits of its SHA-256. */
    public static String modelHash(Path checkpoint) {
        return sha256(checkpoint).substring(0, 10);
    }

    private static String digest(Path file) throws IOException {
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(in.getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM lacks SHA-256", e);
        }
    }
}
