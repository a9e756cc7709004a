package dev.sdbot.inference.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/** Gaussian noise for ancestral samplers, one tensor per call, in the order the steps ask for it. */
public interface NoiseSource {
    /** A sampler that needs no noise must never call this. */
    NoiseSource NONE = (manager, shape) -> {
        throw new IllegalStateException("this sampler was given no noise source");
    };

    NDArray next(NDManager manager, Shape shape);
}
