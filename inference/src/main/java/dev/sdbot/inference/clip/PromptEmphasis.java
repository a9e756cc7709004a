package dev.sdbot.inference.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * AUTOMATIC1111's "Original" prompt emphasis applied to the text encoder output: each token's hidden
 * state is multiplied by its weight ({@code (word:1.3)}), then the whole prompt is rescaled so that its
 * mean equals the unweighted mean. The weights themselves come from the prompt parser/tokenizer.
 */
public final class PromptEmphasis {
    private PromptEmphasis() {
    }

    /**
     * @param hidden      (B, L, D) text encoder output
     * @param multipliers per prompt and token, (B, L)
     * @return the weighted hidden states, in the manager of {@code hidden}; {@code hidden} itself when
     * every weight is 1
     */
    public static NDArray apply(NDArray hidden, float[][] multipliers) {
        Shape s = hidden.getShape();
        if (s.dimension() != 3 || multipliers.length != s.get(0)) {
            throw new IllegalArgumentException("expected (B, L, D) hidden states and B weight rows, got " + s
                    + " and " + multipliers.length + " rows");
        }
        int length = (int) s.get(1);
        float[] flat = new float[multipliers.length * length];
        boolean neutral = true;
        for (int b = 0; b < multipliers.length; b++) {
            if (multipliers[b].length != length) {
                throw new IllegalArgumentException("prompt " + b + " has " + multipliers[b].length
                        + " weights for " + length + " tokens");
            }
            for (int t = 0; t < length; t++) {
                flat[b * length + t] = multipliers[b][t];
                neutral &= multipliers[b][t] == 1f;
            }
        }
        if (neutral) {
            return hidden;
        }
        // A1111 takes the mean over one prompt's chunk; per prompt here, so batching changes nothing.
        NDArray weights = hidden.getManager().create(flat, new Shape(multipliers.length, length, 1));
        NDArray originalMean = promptMean(hidden);
        NDArray weighted = hidden.mul(weights);
        return weighted.mul(originalMean.div(promptMean(weighted)));
    }

    /** Mean over tokens and channels, (B, 1, 1); libtorch's mean takes one axis at a time in DJL. */
    private static NDArray promptMean(NDArray x) {
        Shape s = x.getShape();
        return x.reshape(s.get(0), -1).mean(new int[]{1}, true).reshape(s.get(0), 1, 1);
    }
}
