package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.model.ModelDefaults;
import dev.sdbot.inference.model.SchedulerConfig;
import dev.sdbot.inference.safety.SafetyChecker;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.vae.TinyVae;
import dev.sdbot.inference.vae.Vae;

/**
 * The loaded networks of one checkpoint, everything the pipeline runs.
 *
 * @param text          the text encoder(s) with their tokenizers
 * @param safetyChecker null when the model has none (SD 2.x, SDXL)
 * @param tinyVae       the tiny VAE (TAESD) installed beside the model, or null: previews use it, and the final
 *                      images too when the model's defaults say {@code vae: taesd}
 * @param defaults      the model's own generation defaults ({@link ModelDefaults#NONE} without a sidecar)
 */
public record DiffusionModel(ModelFamily family, UNet unet, Vae vae, TextConditioner text, SchedulerConfig scheduler,
                             SafetyChecker safetyChecker, TinyVae tinyVae, ModelDefaults defaults) {

    /** A 9-channel UNet that takes the mask and the masked image's latents besides the latents. */
    public boolean inpainting() {
        return unet.config().inChannels() == 2 * latentChannels() + 1;
    }

    public int latentChannels() {
        return vae.config().latentChannels();
    }

    public float scalingFactor() {
        return (float) vae.config().scalingFactor();
    }

    /** Pixels per latent along each axis (8). */
    public int downscaleFactor() {
        return vae.config().downscaleFactor();
    }
}
