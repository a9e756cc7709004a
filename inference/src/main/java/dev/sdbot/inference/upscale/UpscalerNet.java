package dev.sdbot.inference.upscale;

import ai.djl.ndarray.NDArray;

/** A super-resolution network: (1, 3, H, W) RGB in [0, 1] to (1, 3, H·scale, W·scale), not clamped. */
public interface UpscalerNet {
    NDArray forward(NDArray image);

    /** The factor the network enlarges by (1, 2 or 4). */
    int scale();

    /** What it is, for logs and errors, e.g. "RRDBNet x4 (23 blocks)". */
    String describe();
}
