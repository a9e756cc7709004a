package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;

/**
 * A1111's variation seed ("subseed"): the start noise of an image is its seed's noise spherically interpolated towards
 * the variation seed's by the variation strength (A1111's {@code rng.slerp}, quirks included). The ancestral step
 * noise stays the seed's: A1111 draws the subseed's noise from another generator.
 */
final class VariationNoise {
    /** Above this mean cosine A1111 interpolates linearly instead. */
    private static final double NEAR_PARALLEL = 0.9995;

    private VariationNoise() {
    }

    /**
     * A1111's {@code slerp(val, low, high)} on one image's noise of shape (1, C, H, W). A1111 applies it to the
     * (C, H, W) tensor and normalises along its dim 1, so along H here: one angle per channel and column. Its linear
     * fallback (for near-parallel noise) weighs {@code low} by {@code val}, the reverse of the spherical path; kept.
     */
    static NDArray slerp(double val, NDArray low, NDArray high) {
        NDArray lowNorm = low.div(low.norm(new int[] {2}, true));
        NDArray highNorm = high.div(high.norm(new int[] {2}, true));
        NDArray dot = lowNorm.mul(highNorm).sum(new int[] {2});
        if (dot.mean().getFloat() > NEAR_PARALLEL) {
            return low.mul(val).add(high.mul(1 - val));
        }
        NDArray omega = dot.acos();
        NDArray so = omega.sin();
        NDArray lowWeight = omega.mul(1.0 - val).sin().div(so).expandDims(2);
        NDArray highWeight = omega.mul(val).sin().div(so).expandDims(2);
        return lowWeight.mul(low).add(highWeight.mul(high));
    }
}
