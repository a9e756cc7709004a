package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.nn.LayerNorm;
import dev.sdbot.inference.nn.Weights;

/** diffusers BasicTransformerBlock: pre-norm self-attention, cross-attention on the text context, GEGLU MLP. */
final class TransformerBlock {
    private static final float LAYER_NORM_EPS = 1e-5f;

    private final LayerNorm norm1;
    private final CrossAttention attn1;
    private final LayerNorm norm2;
    private final CrossAttention attn2;
    private final LayerNorm norm3;
    private final FeedForward ff;

    private TransformerBlock(LayerNorm norm1, CrossAttention attn1, LayerNorm norm2, CrossAttention attn2,
                             LayerNorm norm3, FeedForward ff) {
        this.norm1 = norm1;
        this.attn1 = attn1;
        this.norm2 = norm2;
        this.attn2 = attn2;
        this.norm3 = norm3;
        this.ff = ff;
    }

    static TransformerBlock load(Weights w, int heads, boolean upcastAttention) {
        return new TransformerBlock(
                LayerNorm.load(w, "norm1", LAYER_NORM_EPS), CrossAttention.load(w.sub("attn1"), heads, upcastAttention),
                LayerNorm.load(w, "norm2", LAYER_NORM_EPS), CrossAttention.load(w.sub("attn2"), heads, upcastAttention),
                LayerNorm.load(w, "norm3", LAYER_NORM_EPS), FeedForward.load(w.sub("ff")));
    }

    /** @param x (B, HW, C); the caller owns the memory scope. */
    NDArray forward(NDArray x, NDArray context) {
        NDArray h = x.add(attn1.forward(norm1.forward(x), null));
        h.addi(attn2.forward(norm2.forward(h), context));
        return h.addi(ff.forward(norm3.forward(h)));
    }
}
