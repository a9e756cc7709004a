package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;

/** diffusers Upsample2D: nearest-neighbour resize (2x, or to the skip connection's size) then a 3x3 conv. */
public final class Upsample {
    /** DJL's code for nearest-neighbour interpolation. */
    private static final int NEAREST = 0;

    private final Conv2d conv;

    private Upsample(Conv2d conv) {
        this.conv = conv;
    }

    public static Upsample load(Weights w) {
        return new Upsample(Conv2d.load(w, "conv"));
    }

    public NDArray forward(NDArray x) {
        return forward(x, x.getShape().get(2) * 2, x.getShape().get(3) * 2);
    }

    /** Resizes to {@code height x width} (torch nearest: source index floor(i * in / out)) and convolves. */
    public NDArray forward(NDArray x, long height, long width) {
        try (NDArray resized = x.getNDArrayInternal().interpolation(new long[] {height, width}, NEAREST, false)) {
            return conv.forward(resized);
        }
    }
}
