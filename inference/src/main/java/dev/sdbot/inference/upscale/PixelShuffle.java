package dev.sdbot.inference.upscale;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** torch's pixel_shuffle / BasicSR's pixel_unshuffle and nearest upsampling by an integer factor, on NCHW. */
final class PixelShuffle {
    private static final int NEAREST = 0;

    private PixelShuffle() {
    }

    /** (B, C·r², H, W) to (B, C, H·r, W·r). */
    static NDArray shuffle(NDArray x, int r) {
        Shape s = x.getShape();
        long c = s.get(1) / ((long) r * r);
        return x.reshape(s.get(0), c, r, r, s.get(2), s.get(3)).transpose(0, 1, 4, 2, 5, 3)
                .reshape(s.get(0), c, s.get(2) * r, s.get(3) * r);
    }

    /** (B, C, H·r, W·r) to (B, C·r², H, W), channel order as BasicSR's pixel_unshuffle. */
    static NDArray unshuffle(NDArray x, int r) {
        Shape s = x.getShape();
        long h = s.get(2) / r;
        long w = s.get(3) / r;
        return x.reshape(s.get(0), s.get(1), h, r, w, r).transpose(0, 1, 3, 5, 2, 4)
                .reshape(s.get(0), s.get(1) * r * r, h, w);
    }

    static NDArray nearest2x(NDArray x) {
        return nearest(x, 2);
    }

    static NDArray nearest(NDArray x, int factor) {
        return x.getNDArrayInternal().interpolation(new long[] {x.getShape().get(2) * factor,
                x.getShape().get(3) * factor}, NEAREST, false);
    }
}
