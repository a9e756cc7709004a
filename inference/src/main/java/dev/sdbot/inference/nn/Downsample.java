package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * diffusers Downsample2D: a stride-2 3x3 conv. The UNet pads 1 on every side; the VAE encoder pads only
 * right and bottom by 1 (F.pad (0, 1, 0, 1)) and convolves without padding.
 */
public final class Downsample {
    private static final Shape VAE_PADDING = new Shape(0, 1, 0, 1);

    private final Conv2d conv;
    private final boolean asymmetric;

    private Downsample(Conv2d conv, boolean asymmetric) {
        this.conv = conv;
        this.asymmetric = asymmetric;
    }

    public static Downsample load(Weights w, boolean asymmetricPadding) {
        NDArray weight = w.get("conv.weight");
        int padding = asymmetricPadding ? 0 : (int) weight.getShape().get(2) / 2;
        return new Downsample(new Conv2d(weight, w.getOptional("conv.bias"), 2, padding), asymmetricPadding);
    }

    /** The stride-2 conv; with asymmetric padding it pads nothing itself. */
    public Conv2d conv() {
        return conv;
    }

    public boolean asymmetric() {
        return asymmetric;
    }

    public NDArray forward(NDArray x) {
        if (!asymmetric) {
            return conv.forward(x);
        }
        try (NDArray padded = x.pad(VAE_PADDING, 0)) {
            return conv.forward(padded);
        }
    }
}
