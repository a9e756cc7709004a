package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.safety.SafetyCheckerFolder;
import dev.sdbot.inference.weights.PickledWeights;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The models a worker offers: every complete diffusers folder and every single-file checkpoint
 * ({@code .safetensors}, or a pickled {@code .ckpt}/{@code .pt} read safely, holding {@code model.diffusion_model.*})
 * directly in one directory. A folder is named by its directory name, a file by its name without its extension;
 * when both exist the folder keeps the short name and the file is named with its extension. Rescanned on every call, so
 * models can be added while the worker runs.
 */
public final class ModelDirectory {
    private final Path root;

    public ModelDirectory(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Model name → path, sorted by name. */
    public Map<String, Path> models() {
        Map<String, Path> models = new TreeMap<>();
        if (!Files.isDirectory(root)) {
            return models;
        }
        try (Stream<Path> entries = Files.list(root)) {
            entries.sorted().forEach(p -> {
                String file = p.getFileName().toString();
                // the shared safety checker may be a whole pipeline folder: it is not a model to offer
                if (Files.isDirectory(p) && isDiffusersFolder(p) && !file.equals(SafetyCheckerFolder.SHARED_NAME)) {
                    models.put(file, p);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list models in " + root, e);
        }
        try (Stream<Path> entries = Files.list(root)) {
            entries.sorted().forEach(p -> {
                String file = p.getFileName().toString();
                if (Files.isRegularFile(p) && PickledWeights.isWeightsFileName(file) && isCheckpoint(p)) {
                    String name = PickledWeights.stem(file);
                    models.put(models.containsKey(name) ? file : name, p);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list models in " + root, e);
        }
        return models;
    }

    private static boolean isDiffusersFolder(Path dir) {
        return Files.isDirectory(dir.resolve("unet")) && Files.isDirectory(dir.resolve("vae"))
                && Files.isDirectory(dir.resolve("text_encoder")) && Files.isDirectory(dir.resolve("tokenizer"));
    }

    /** A full checkpoint, not a LoRA or a VAE alone: only the header is read. */
    private static boolean isCheckpoint(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return f.keys().stream().anyMatch(k -> k.startsWith("model.diffusion_model."));
        } catch (RuntimeException e) {
            return false;
        }
    }
}
