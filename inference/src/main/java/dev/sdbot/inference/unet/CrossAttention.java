package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Attention;
import dev.sdbot.inference.nn.Linear;
import dev.sdbot.inference.nn.Weights;

/** diffusers Attention as used by BasicTransformerBlock: bias-free q/k/v projections, biased output projection. */
final class CrossAttention {
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final int heads;
    private final boolean upcast;

    private CrossAttention(Linear toQ, Linear toK, Linear toV, Linear toOut, int heads, boolean upcast) {
        this.toQ = toQ;
        this.toK = toK;
        this.toV = toV;
        this.toOut = toOut;
        this.heads = heads;
        this.upcast = upcast;
    }

    static CrossAttention load(Weights w, int heads, boolean upcastAttention) {
        return new CrossAttention(Linear.load(w, "to_q"), Linear.load(w, "to_k"), Linear.load(w, "to_v"),
                Linear.load(w, "to_out.0"), heads, upcastAttention);
    }

    /** @param context (B, Lk, contextDim) for cross-attention, or null for self-attention. */
    NDArray forward(NDArray x, NDArray context) {
        NDArray source = context == null ? x : context;
        NDArray q = toQ.forward(x);
        NDArray k = toK.forward(source);
        NDArray v = toV.forward(source);
        DataType type = q.getDataType();
        // upcast_attention (SD 2.x): the softmax runs in fp32 when the model computes in half precision.
        boolean widen = upcast && type != DataType.FLOAT32;
        if (widen) {
            q = q.toType(DataType.FLOAT32, false);
            k = k.toType(DataType.FLOAT32, false);
            v = v.toType(DataType.FLOAT32, false);
        }
        NDArray out = Attention.multiHead(q, k, v, heads, null);
        if (widen) {
            out = out.toType(type, false);
        }
        return toOut.forward(out);
    }
}
