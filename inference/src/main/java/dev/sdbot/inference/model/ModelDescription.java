package dev.sdbot.inference.model;

import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.clip.TextEncoderConfig;

/**
 * Everything needed to build the networks and the scheduler of one checkpoint. The tokenizers' special ids
 * (SD 2.x and SDXL's second tokenizer pad with 0) come with {@code ModelFiles.tokenizer()}.
 *
 * @param textEncoder2              SDXL's second (OpenCLIP bigG) text encoder, null for SD 1.x/2.x
 * @param forceZerosForEmptyPrompt  SDXL: without a negative prompt the unconditional context and pooled embedding
 *                                  are zeros rather than the encoded empty prompt (diffusers' pipeline flag)
 */
public record ModelDescription(
        ModelFamily family,
        UNetConfig unet,
        VaeConfig vae,
        TextEncoderConfig textEncoder,
        TextEncoderConfig textEncoder2,
        SchedulerConfig scheduler,
        boolean forceZerosForEmptyPrompt) {

    /** An SD 1.x/2.x description: one text encoder. */
    public ModelDescription(ModelFamily family, UNetConfig unet, VaeConfig vae, TextEncoderConfig textEncoder,
                            SchedulerConfig scheduler) {
        this(family, unet, vae, textEncoder, null, scheduler, false);
    }

    /** 9 UNet input channels: latents + mask + masked-image latents. */
    public boolean inpainting() {
        return unet.inChannels() == 9;
    }

    public String predictionType() {
        return scheduler.predictionType();
    }
}
