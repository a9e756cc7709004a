package dev.sdbot.inference.model;

import dev.sdbot.inference.clip.TextEncoderConfig;

/**
 * Everything needed to build the networks and the scheduler of one checkpoint. The tokenizer's special ids
 * (SD 2.x pads with 0) come with {@code ModelFiles.tokenizer()}.
 */
public record ModelDescription(
        ModelFamily family,
        UNetConfig unet,
        VaeConfig vae,
        TextEncoderConfig textEncoder,
        SchedulerConfig scheduler) {

    /** 9 UNet input channels: latents + mask + masked-image latents. */
    public boolean inpainting() {
        return unet.inChannels() == 9;
    }

    public String predictionType() {
        return scheduler.predictionType();
    }
}
