package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;

/** Activation functions as the reference defines them. */
public final class Activations {
    private Activations() {
    }

    /** silu written over {@code x} itself: one temporary instead of two on the large UNet/VAE activations. */
    public static NDArray siluInPlace(NDArray x) {
        long t = OpProfile.start();
        try (NDArray gate = x.getNDArrayInternal().sigmoid()) {
            return OpProfile.end("activation", t, x.muli(gate));
        }
    }

    /** CLIP's quick_gelu: {@code x * sigmoid(1.702 x)}. */
    public static NDArray quickGelu(NDArray x) {
        long t = OpProfile.start();
        return OpProfile.end("activation", t, x.mul(x.mul(1.702f).getNDArrayInternal().sigmoid()));
    }

    /** Exact (erf) GELU as torch.nn.functional.gelu. */
    public static NDArray gelu(NDArray x) {
        long t = OpProfile.start();
        return OpProfile.end("activation", t, ai.djl.nn.Activation.gelu(x));
    }
}
