package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Multi-head scaled dot-product attention built from matMul + softmax (DJL has no fused kernel).
 * Queries are processed in slices so that the (heads, queries, keys) score matrix never exceeds
 * {@link #MAX_SCORE_ELEMENTS}: 768x768 images have 9216 latent positions, whose full score matrix
 * would need gigabytes.
 */
public final class Attention {
    /** Largest score matrix computed at once (elements); 2^27 floats = 512 MiB. */
    public static final long MAX_SCORE_ELEMENTS = 1L << 27;

    private Attention() {
    }

    /**
     * @param q     (B, Lq, heads*d)
     * @param k     (B, Lk, heads*d)
     * @param v     (B, Lk, heads*d)
     * @param heads number of heads
     * @param mask  additive mask broadcastable to (B, heads, Lq, Lk), or null
     * @return (B, Lq, heads*d)
     */
    public static NDArray multiHead(NDArray q, NDArray k, NDArray v, int heads, NDArray mask) {
        return multiHead(q, k, v, heads, mask, MAX_SCORE_ELEMENTS);
    }

    /** As above with the score matrix bounded to {@code maxScoreElements} (the tiled VAE bounds it by its tile). */
    public static NDArray multiHead(NDArray q, NDArray k, NDArray v, int heads, NDArray mask, long maxScoreElements) {
        long t = OpProfile.start();
        return OpProfile.end("attention (scores, softmax, values)", t, compute(q, k, v, heads, mask, maxScoreElements));
    }

    private static NDArray compute(NDArray q, NDArray k, NDArray v, int heads, NDArray mask, long maxScoreElements) {
        long b = q.getShape().get(0);
        long lq = q.getShape().get(1);
        long lk = k.getShape().get(1);
        long inner = q.getShape().get(2);
        long d = inner / heads;
        float scale = (float) (1.0 / Math.sqrt(d));
        // (B*heads, L, d) layouts: merging the batch and head axes of the transposed views makes libtorch copy
        // them once into contiguous tensors, so the batched matMuls below never re-copy per slice.
        NDArray qh = q.reshape(b, lq, heads, d).transpose(0, 2, 1, 3).reshape(b * heads, lq, d).mul(scale);
        NDArray kt = k.reshape(b, lk, heads, d).transpose(0, 2, 3, 1).reshape(b * heads, d, lk);
        NDArray vh = v.reshape(b, lk, heads, d).transpose(0, 2, 1, 3).reshape(b * heads, lk, d);
        NDArray m = mask == null ? null : mask.broadcast(b, heads, lq, lk).reshape(b * heads, lq, lk);
        long slice = Math.max(1, maxScoreElements / (b * heads * lk));
        NDArray out;
        if (slice >= lq) {
            out = attend(qh, kt, vh, m);
        } else {
            NDList parts = new NDList();
            for (long start = 0; start < lq; start += slice) {
                long end = Math.min(lq, start + slice);
                parts.add(attend(qh.get(":,{}:{}", start, end), kt, vh, m == null ? null : m.get(":,{}:{}", start, end)));
            }
            out = NDArrays.concat(parts, 1);
        }
        return out.reshape(b, heads, lq, d).transpose(0, 2, 1, 3).reshape(b, lq, inner);
    }

    /** One slice; its score and probability matrices are freed at once, so slices never pile up. */
    private static NDArray attend(NDArray q, NDArray kt, NDArray v, NDArray mask) {
        NDArray scores = q.matMul(kt);
        if (mask != null) {
            scores.addi(mask);
        }
        NDArray probabilities = scores.softmax(-1);
        scores.close();
        NDArray out = probabilities.matMul(v);
        probabilities.close();
        return out;
    }
}
