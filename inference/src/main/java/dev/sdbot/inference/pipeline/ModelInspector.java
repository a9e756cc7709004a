package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.weights.ConfigJson;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Stream;

/**
 * What a model on disk is, read from configs and safetensors headers only (no weights loaded): its family, whether
 * it is an inpainting model, its size and whether it carries its own safety checker. Also tells LoRA files apart.
 */
public final class ModelInspector {
    private ModelInspector() {
    }

    /**
     * @param family      SD1, SD2 or SDXL
     * @param inpainting  a 9-channel UNet
     * @param ownChecker  a diffusers {@code safety_checker/} folder beside the model
     * @param nativeSide  the side in pixels it was trained at, diffusers' default size: the UNet's sample_size times
     *                    the VAE's scale for a folder, the family's default size for a single file
     */
    public record ModelInfo(Path path, ModelFamily family, boolean inpainting, long bytes, boolean ownChecker,
                            int nativeSide) {
        /** "SD1", "SD1 inpainting", "SD2", "SDXL". */
        public String description() {
            return family.label() + (inpainting ? " inpainting" : "");
        }
    }

    /** A diffusers folder or a single-file checkpoint. */
    public static ModelInfo inspect(Path model) {
        if (Files.isDirectory(model)) {
            ConfigJson unet = ConfigJson.read(model.resolve("unet").resolve("config.json"));
            // SD 2.x's OpenCLIP text encoder uses exact GELU where SD 1.x's CLIP-L uses quick_gelu
            ConfigJson text = ConfigJson.read(model.resolve("text_encoder").resolve("config.json"));
            ModelFamily family = "text_time".equals(unet.getString("addition_embed_type", null)) ? ModelFamily.SDXL
                    : "gelu".equals(text.getString("hidden_act", "quick_gelu")) ? ModelFamily.SD2 : ModelFamily.SD1;
            int vaeScale = 1 << (ConfigJson.read(model.resolve("vae").resolve("config.json"))
                    .getIntList("block_out_channels").size() - 1);
            return new ModelInfo(model, family, unet.getInt("in_channels", 4) == 9, size(model),
                    Files.isDirectory(model.resolve("safety_checker")), unet.getInt("sample_size", 64) * vaeScale);
        }
        try (SafetensorsFile file = SafetensorsFile.open(model)) {
            Set<String> keys = file.keys();
            ModelFamily family = keys.stream().anyMatch(k -> k.startsWith("conditioner.embedders.1.") || k.startsWith("model.diffusion_model.label_emb."))
                    ? ModelFamily.SDXL
                    : keys.stream().anyMatch(k -> k.startsWith("cond_stage_model.model.")) ? ModelFamily.SD2 : ModelFamily.SD1;
            String firstConv = "model.diffusion_model.input_blocks.0.0.weight";
            boolean inpainting = file.contains(firstConv) && file.info(firstConv).shape()[1] == 9;
            int side = Integer.parseInt(family.sizes().get(0).split("x")[0]);
            return new ModelInfo(model, family, inpainting, size(model), false, side);
        }
    }

    /** Whether a safetensors file is a kohya-style LoRA ({@code lora_unet_*}, {@code lora_te*}). */
    public static boolean isLora(Path file) {
        try (SafetensorsFile f = SafetensorsFile.open(file)) {
            return f.keys().stream().anyMatch(k -> k.startsWith("lora_unet_") || k.startsWith("lora_te"));
        }
    }

    static long size(Path path) {
        if (!Files.isDirectory(path)) {
            try {
                return Files.size(path);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the size of " + path, e);
            }
        }
        try (Stream<Path> files = Files.walk(path, FileVisitOption.FOLLOW_LINKS)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the size of " + path, e);
        }
    }
}
