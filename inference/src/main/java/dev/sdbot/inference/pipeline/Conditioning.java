package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * What the UNet is conditioned on for a batch of prompts (first axis): the text encoder hidden states and, for
 * SDXL, the pooled text embedding that goes with the size/crop ids into the added conditioning.
 *
 * @param context (B, L, D)
 * @param pooled  (B, P), or null for SD 1.x/2.x
 */
public record Conditioning(NDArray context, NDArray pooled) {

    /** [this, other] along the batch axis (e.g. [negative, prompt]). */
    public Conditioning concat(Conditioning other) {
        return new Conditioning(NDArrays.concat(new NDList(context, other.context), 0),
                pooled == null ? null : NDArrays.concat(new NDList(pooled, other.pooled), 0));
    }

    /** Rows {@code [from, to)} of the batch. */
    public Conditioning rows(long from, long to) {
        String range = from + ":" + to;
        return new Conditioning(context.get(range), pooled == null ? null : pooled.get(range));
    }
}
