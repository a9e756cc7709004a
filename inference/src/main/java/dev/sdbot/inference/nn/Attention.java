package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * Multi-head scaled dot-product attention, every attention of the engine (UNet, CLIP text encoder, VAE). Two
 * kernels ({@link #use}): libtorch's fused {@code scaled_dot_product_attention} through {@link FusedAttention}
 * (the default), or the plain one built from matMul + softmax. In the plain kernel queries are processed in slices so that the (heads, queries, keys) score matrix never exceeds
 * {@link #MAX_SCORE_ELEMENTS}: 768x768 images have 9216 latent positions, whose full score matrix
 * would need gigabytes.
 */
public final class Attention {
    /** Largest score matrix computed at once (elements); 2^27 floats = 512 MiB. */
    public static final long MAX_SCORE_ELEMENTS = 1L << 27;

    /** Which attention kernel the engine runs. */
    public enum Kernel {
        /** libtorch's fused scaled-dot-product attention (flash kernel on CPU): no score matrix in memory. */
        SDPA,
        /** matMul + softmax + matMul, scores bounded by the slice size. */
        PLAIN;

        /** {@code sdpa} or {@code plain}, case-insensitive. */
        public static Kernel parse(String name) {
            for (Kernel k : values()) {
                if (k.name().equalsIgnoreCase(name.trim())) {
                    return k;
                }
            }
            throw new IllegalArgumentException("attention must be sdpa or plain, got '" + name + "'");
        }
    }

    private static volatile Kernel kernel = Kernel.SDPA;

    private Attention() {
    }

    /** Chooses the kernel of every later attention in this process (the engine's {@code attention} setting). */
    public static void use(Kernel chosen) {
        kernel = chosen;
    }

    /** The kernel in use. */
    public static Kernel kernel() {
        return kernel;
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
        return multiHead(q, k, v, heads, mask, maxScoreElements, kernel);
    }

    /** As above with the kernel given (the parity check runs both). */
    public static NDArray multiHead(NDArray q, NDArray k, NDArray v, int heads, NDArray mask, long maxScoreElements,
                                    Kernel with) {
        long t = OpProfile.start();
        if (with == Kernel.SDPA) {
            return OpProfile.end("attention (fused sdpa)", t, fused(q, k, v, heads, mask));
        }
        return OpProfile.end("attention (scores, softmax, values)", t, compute(q, k, v, heads, mask, maxScoreElements));
    }

    /** The fused kernel takes (B, heads, L, d) views as they are; it never holds the whole score matrix. */
    private static NDArray fused(NDArray q, NDArray k, NDArray v, int heads, NDArray mask) {
        long b = q.getShape().get(0);
        long lq = q.getShape().get(1);
        long lk = k.getShape().get(1);
        long inner = q.getShape().get(2);
        long d = inner / heads;
        NDArray out = FusedAttention.attend(q.reshape(b, lq, heads, d).transpose(0, 2, 1, 3),
                k.reshape(b, lk, heads, d).transpose(0, 2, 1, 3), v.reshape(b, lk, heads, d).transpose(0, 2, 1, 3),
                mask);
        return out.transpose(0, 2, 1, 3).reshape(b, lq, inner);
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
