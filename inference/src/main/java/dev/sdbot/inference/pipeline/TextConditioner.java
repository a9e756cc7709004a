package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.text.ClipTokenizer;

/** Turns prompt text into UNet conditioning: one CLIP encoder (SD 1.x/2.x) or SDXL's two. */
public interface TextConditioner {

    /** One prompt's conditioning, batch 1. */
    Conditioning encode(NDManager manager, String text, int clipSkip);

    /**
     * The unconditional half of classifier-free guidance for a negative prompt ("" = none): by default the
     * encoded negative prompt, as diffusers' SD 1.x/2.x pipelines do.
     */
    default Conditioning unconditional(NDManager manager, String negativePrompt, int clipSkip) {
        return encode(manager, negativePrompt, clipSkip);
    }

    /** The largest clip skip the encoders allow. */
    int maxClipSkip();

    /** (1, L) int64 token ids of {@code text}, framed and padded by the tokenizer. */
    static NDArray tokenIds(NDManager manager, ClipTokenizer tokenizer, String text) {
        int[] ids = tokenizer.encode(text);
        long[] longs = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            longs[i] = ids[i];
        }
        return manager.create(longs, new Shape(1, ids.length));
    }
}
