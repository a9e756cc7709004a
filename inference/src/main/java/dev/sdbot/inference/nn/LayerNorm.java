package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch.nn.LayerNorm over the last dimension. */
public record LayerNorm(NDArray gamma, NDArray beta, float eps) {

    public static LayerNorm load(Weights w, String prefix, float eps) {
        return new LayerNorm(w.get(prefix + ".weight"), w.get(prefix + ".bias"), eps);
    }

    public NDArray forward(NDArray x) {
        long t = OpProfile.start();
        return OpProfile.end("layer_norm", t, ai.djl.nn.norm.LayerNorm.layerNorm(x, new Shape(gamma.getShape().get(0)),
                gamma, beta, eps).singletonOrThrow());
    }
}
