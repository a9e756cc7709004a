package dev.sdbot.inference.selftest;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.nn.Attention;

import java.util.ArrayList;
import java.util.List;

/**
 * libtorch's fused attention kernel against the plain one on the shapes the engine runs: UNet self-attention (d 40)
 * and cross-attention to 77 tokens, CLIP's causal -inf mask (d 64, 12 heads), the VAE decoder's single 512-wide head.
 */
public final class AttentionChecks {
    /**
     * The fused kernel sums in another order (blockwise online softmax): fp32 bounds the relative difference by
     * about (d + Lk) ulps, i.e. (512 + 256) * 6e-8 = 5e-5 for the widest case here.
     */
    public static final double TOLERANCE = 5e-5;

    private record Case(String name, int batch, int queries, int keys, int heads, int headDim, boolean causal) {
    }

    private static final List<Case> CASES = List.of(
            new Case("unet self-attention", 2, 256, 256, 8, 40, false),
            new Case("unet cross-attention", 2, 256, 77, 8, 40, false),
            new Case("clip causal attention", 1, 77, 77, 12, 64, true),
            new Case("decoder mid-block attention", 1, 64, 64, 1, 512, false));

    private AttentionChecks() {
    }

    /** One result per case: fused sdpa = plain, on random inputs of a fixed seed. */
    public static List<CheckResult> run() {
        List<CheckResult> results = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(7);
            for (Case c : CASES) {
                try (NDManager scope = m.newSubManager()) {
                    int inner = c.heads * c.headDim;
                    NDArray q = scope.randomNormal(new Shape(c.batch, c.queries, inner));
                    NDArray k = scope.randomNormal(new Shape(c.batch, c.keys, inner));
                    NDArray v = scope.randomNormal(new Shape(c.batch, c.keys, inner));
                    NDArray mask = c.causal ? causalMask(scope, c.queries) : null;
                    NDArray plain = Attention.multiHead(q, k, v, c.heads, mask, Attention.MAX_SCORE_ELEMENTS,
                            Attention.Kernel.PLAIN);
                    NDArray fused = Attention.multiHead(q, k, v, c.heads, mask, Attention.MAX_SCORE_ELEMENTS,
                            Attention.Kernel.SDPA);
                    double error = fused.getShape().equals(plain.getShape())
                            ? Parity.relativeError(fused, plain) : Double.POSITIVE_INFINITY;
                    results.add(CheckResult.of("attention: fused sdpa = plain, " + c.name, error, TOLERANCE));
                }
            }
        }
        return results;
    }

    /** CLIP's additive mask: -inf above the diagonal. */
    private static NDArray causalMask(NDManager m, int n) {
        float[] mask = new float[n * n];
        for (int i = 0; i < n; i++) {
            for (int j = i + 1; j < n; j++) {
                mask[i * n + j] = Float.NEGATIVE_INFINITY;
            }
        }
        return m.create(mask, new Shape(1, 1, n, n));
    }
}
