package dev.sdbot.inference.weights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Recognises what a path holds (diffusers folder or single-file checkpoint) and opens it. */
public final class CheckpointLoader {
    private CheckpointLoader() {
    }

    /**
     * @throws CheckpointException when the path is missing, unreadable, or not a supported Stable Diffusion
     *                             1.x/2.x checkpoint (the message says which)
     */
    public static ModelFiles open(Path path) {
        if (!Files.exists(path)) {
            throw new CheckpointException("checkpoint not found: " + path);
        }
        if (Files.isDirectory(path)) {
            if (Files.isRegularFile(path.resolve("model_index.json")) || Files.isDirectory(path.resolve("unet"))) {
                return DiffusersFolder.open(path);
            }
            throw new CheckpointException("not a Stable Diffusion model folder: " + path
                    + " has neither model_index.json nor a unet/ folder" + (isEmpty(path) ? " (it is empty)" : ""));
        }
        // pickled .ckpt/.pt files open through their safe conversion (SafetensorsFile -> PickledWeights)
        return SingleFileCheckpoint.open(path);
    }

    private static boolean isEmpty(Path dir) {
        try (var entries = Files.list(dir)) {
            return entries.findAny().isEmpty();
        } catch (IOException e) {
            return false;
        }
    }
}
