package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;

/**
 * SDXL's added conditioning of one UNet/ControlNet call (diffusers' {@code added_cond_kwargs}).
 *
 * @param pooled  (B, pooled width) pooled text embeddings ({@code text_embeds})
 * @param sizeIds (B, 6) {@code time_ids}: {@code [orig_h, orig_w, crop_top, crop_left, target_h, target_w]}
 */
public record AddedConditioning(NDArray pooled, NDArray sizeIds) {
    /** The rows {@code from..} of both (guess mode: the prompt half of a guided batch). */
    public AddedConditioning rowsFrom(long from) {
        return new AddedConditioning(pooled.get("{}:", from), sizeIds.get("{}:", from));
    }
}
