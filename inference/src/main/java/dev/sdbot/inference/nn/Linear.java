package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;

/** {@code y = x W^T + b} over the last dimension, as torch.nn.Linear. */
public record Linear(NDArray weight, NDArray bias) {

    public static Linear load(Weights w, String prefix) {
        return new Linear(w.get(prefix + ".weight"), w.getOptional(prefix + ".bias"));
    }

    public NDArray forward(NDArray x) {
        long t = OpProfile.start();
        return OpProfile.end("linear", t, ai.djl.nn.core.Linear.linear(x, weight, bias).singletonOrThrow());
    }

    public long outFeatures() {
        return weight.getShape().get(0);
    }
}
