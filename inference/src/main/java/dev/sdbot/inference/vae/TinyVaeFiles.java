package dev.sdbot.inference.vae;

import dev.sdbot.inference.api.ModelFamily;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Where a model's tiny VAE lives: a {@code taesd/} folder beside the model for SD 1.x and 2.x (they share a latent
 * space), {@code taesdxl/} for SDXL. The folder is a diffusers AutoencoderTiny ({@code diffusion_pytorch_model.safetensors},
 * e.g. madebyollin/taesd) or holds the original decoder file A1111 uses ({@code taesd_decoder.safetensors},
 * {@code taesdxl_decoder.safetensors}).
 */
public final class TinyVaeFiles {
    private TinyVaeFiles() {
    }

    public static String folderName(ModelFamily family) {
        return family == ModelFamily.SDXL ? "taesdxl" : "taesd";
    }

    /** The weights file of {@code model}'s tiny VAE, if one is installed beside it. */
    public static Optional<Path> locate(Path model, ModelFamily family) {
        Path folder = model.toAbsolutePath().resolveSibling(folderName(family));
        for (String file : List.of("diffusion_pytorch_model.safetensors", folderName(family) + "_decoder.safetensors")) {
            Path candidate = folder.resolve(file);
            if (Files.isRegularFile(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }
}
