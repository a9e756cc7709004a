package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * What the UNet is conditioned on for a batch of prompts (first axis): the text encoder hidden states and, for
 * SDXL, the pooled text embedding that goes with the size/crop ids into the added conditioning.
 *
 * <p>A guided batch is [negative, prompt] in one conditioning when both have the same length. When they do not (a
 * prompt of more 75-token chunks than the negative prompt, or fewer), A1111 does not pad the shorter one (unless its
 * "Pad conds" option is on) but runs the two halves as separate UNet batches: then {@link #negative} holds the
 * negative half and {@code context}/{@code pooled} the prompt half.
 *
 * @param context  (B, L, D)
 * @param pooled   (B, P), or null for SD 1.x/2.x
 * @param negative the negative half of a guided batch whose length differs from the prompt's, else null
 */
public record Conditioning(NDArray context, NDArray pooled, Conditioning negative) {

    public Conditioning(NDArray context, NDArray pooled) {
        this(context, pooled, null);
    }

    /** The guided batch [negative, prompt]: one conditioning when their lengths agree, else {@link #split}. */
    public static Conditioning guided(Conditioning negative, Conditioning prompt) {
        if (negative.length() == prompt.length()) {
            return negative.concat(prompt);
        }
        return new Conditioning(prompt.context, prompt.pooled, negative);
    }

    /** Whether the two halves of this guided batch run as separate UNet batches. */
    public boolean split() {
        return negative != null;
    }

    /** Tokens per row (77 per chunk). */
    public long length() {
        return context.getShape().get(1);
    }

    /** [this, other] along the batch axis (e.g. [negative, prompt]); neither split. */
    public Conditioning concat(Conditioning other) {
        return new Conditioning(NDArrays.concat(new NDList(context, other.context), 0),
                pooled == null ? null : NDArrays.concat(new NDList(pooled, other.pooled), 0));
    }

    /** Rows {@code [from, to)} of the batch (not split). */
    public Conditioning rows(long from, long to) {
        String range = from + ":" + to;
        return new Conditioning(context.get(range), pooled == null ? null : pooled.get(range));
    }

    /** Each row repeated {@code times} (in place, a row's copies together); a split batch half by half. */
    public Conditioning repeatRows(int times) {
        Conditioning repeated = new Conditioning(context.repeat(0, times),
                pooled == null ? null : pooled.repeat(0, times));
        return negative == null ? repeated
                : new Conditioning(repeated.context, repeated.pooled, negative.repeatRows(times));
    }
}
