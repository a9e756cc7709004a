package dev.sdbot.scheduler.images;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Images as files under one directory, a key's slashes its sub-directories. Written to a temporary file and moved into
 * place, so a crash never leaves half an image under a key. The default store: embedded, nothing to set up; shared by
 * several hosts only through a shared filesystem (use {@link S3ImageStore} then).
 */
public final class FileImageStore implements ImageStore {
    private final Path root;

    public FileImageStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
        try {
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the image directory " + this.root, e);
        }
    }

    @Override
    public void put(String key, byte[] bytes) {
        Path file = file(key);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".put-", ".tmp");
            try {
                Files.write(tmp, bytes);
                try {
                    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new ImageStoreException("could not write image " + key + " to " + describe(), e);
        }
    }

    @Override
    public byte[] get(String key) {
        try {
            return Files.readAllBytes(file(key));
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            throw new ImageStoreException("could not read image " + key + " from " + describe(), e);
        }
    }

    @Override
    public void delete(Collection<String> keys) {
        for (String key : keys) {
            try {
                Files.deleteIfExists(file(key));
            } catch (IOException e) {
                throw new ImageStoreException("could not delete image " + key + " from " + describe(), e);
            }
        }
    }

    /** {@inheritDoc} The prefix must name a directory (end with a slash), as {@link ImageKeys}' prefixes do. */
    @Override
    public void deletePrefix(String prefix) {
        if (!prefix.endsWith("/")) {
            throw new IllegalArgumentException("a file store deletes whole directories only, not '" + prefix + "'");
        }
        Path dir = file(prefix.substring(0, prefix.length() - 1));
        try (Stream<Path> paths = Files.walk(dir)) {
            List<Path> deepestFirst = paths.sorted(Comparator.reverseOrder()).toList();
            for (Path p : deepestFirst) {
                Files.deleteIfExists(p);
            }
        } catch (NoSuchFileException e) {
            // nothing stored under it
        } catch (IOException e) {
            throw new ImageStoreException("could not delete images " + prefix + "* from " + describe(), e);
        }
    }

    @Override
    public String describe() {
        return "filesystem image store at " + root;
    }

    /** The file of a key; a key that would leave the directory is refused. */
    private Path file(String key) {
        Path file = root.resolve(key).normalize();
        if (key.isEmpty() || key.startsWith("/") || !file.startsWith(root) || file.equals(root)) {
            throw new IllegalArgumentException("not an image key: '" + key + "'");
        }
        return file;
    }
}
