package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch.nn.Conv2d with square stride and padding. */
public record Conv2d(NDArray weight, NDArray bias, int stride, int padding) {

    /** Loads {@code prefix.weight}/{@code prefix.bias}; padding defaults to "same" for odd kernels. */
    public static Conv2d load(Weights w, String prefix, int stride) {
        NDArray weight = w.get(prefix + ".weight");
        int kernel = (int) weight.getShape().get(2);
        return new Conv2d(weight, w.getOptional(prefix + ".bias"), stride, kernel / 2);
    }

    public static Conv2d load(Weights w, String prefix) {
        return load(w, prefix, 1);
    }

    public NDArray forward(NDArray x) {
        long t = OpProfile.start();
        return OpProfile.end("conv2d", t, ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias,
                new Shape(stride, stride), new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow());
    }

    public long outChannels() {
        return weight.getShape().get(0);
    }
}
