package dev.sdbot.inference.embedding;

import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.lora.LoraLibrary;
import dev.sdbot.inference.weights.CheckpointException;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The textual-inversion embeddings a worker offers: {@code <models>/embeddings/NAME.safetensors} (or a pickled
 * {@code .pt}/{@code .bin}, read safely), named NAME as in A1111's {@code embeddings/} folder. The folder is scanned
 * and hashed as the LoRA folder is (rescanned on every call, a {@code .safetensors} before a pickle of the same name);
 * each file is read once per version.
 */
public final class EmbeddingLibrary {
    private final LoraLibrary files;
    private final Map<Path, Loaded> loaded = new ConcurrentHashMap<>();

    private record Loaded(long size, long modified, Embedding embedding) {
    }

    public EmbeddingLibrary(Path dir) {
        this.files = new LoraLibrary(dir);
    }

    /** The library of a models directory: its {@code embeddings/} folder. */
    public static EmbeddingLibrary inModels(Path modelsDir) {
        return new EmbeddingLibrary(modelsDir.resolve("embeddings"));
    }

    /** Name → file, sorted by name; empty when the folder does not exist. */
    public Map<String, Path> files() {
        return files.loras();
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
            Embedding embedding = EmbeddingFile.read(path, name, files.shortHash(path));
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
