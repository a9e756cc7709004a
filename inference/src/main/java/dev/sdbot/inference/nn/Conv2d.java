package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;

/**
 * torch.nn.Conv2d with square stride and padding.
 *
 * <p>At low resolution (the UNet's 8x8 and 4x4 levels, 1280 channels) libtorch's oneDNN convolution spends
 * most of its time re-laying out the 59 MB weight on every call; there the convolution is computed as one
 * GEMM over an im2col matrix instead, which reads the weight once.
 */
public record Conv2d(NDArray weight, NDArray bias, int stride, int padding) {
    /**
     * Output positions per image (height * width) up to which the im2col GEMM beats oneDNN. Per image, not per
     * batch, so that the path (and its rounding) does not depend on the batch size: a batched image equals
     * the same image generated alone.
     */
    static final long GEMM_MAX_POSITIONS = 256;
    /** Only small kernels (3x3, 1x1): im2col makes one slice per kernel tap. */
    static final long GEMM_MAX_TAPS = 9;

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
        return OpProfile.end("conv2d", t, compute(x));
    }

    private NDArray compute(NDArray x) {
        Shape s = x.getShape();
        long kh = weight.getShape().get(2);
        long kw = weight.getShape().get(3);
        long outH = (s.get(2) + 2L * padding - kh) / stride + 1;
        long outW = (s.get(3) + 2L * padding - kw) / stride + 1;
        if (outH * outW <= GEMM_MAX_POSITIONS && kh * kw <= GEMM_MAX_TAPS) {
            return im2colGemm(x, outH, outW);
        }
        return ai.djl.nn.convolutional.Conv2d.conv2d(x, weight, bias, new Shape(stride, stride),
                new Shape(padding, padding), new Shape(1, 1), 1).singletonOrThrow();
    }

    private NDArray im2colGemm(NDArray x, long outH, long outW) {
        Shape s = x.getShape();
        long batch = s.get(0);
        long channels = s.get(1);
        long kh = weight.getShape().get(2);
        long kw = weight.getShape().get(3);
        long out = weight.getShape().get(0);
        NDArray padded = padding == 0 ? x : x.pad(new Shape(padding, padding, padding, padding), 0);
        NDList taps = new NDList();
        for (long i = 0; i < kh; i++) {
            for (long j = 0; j < kw; j++) {
                taps.add(padded.get(":,:,{}:{}:{},{}:{}:{}", i, i + stride * (outH - 1) + 1, stride,
                        j, j + stride * (outW - 1) + 1, stride));
            }
        }
        // (B, C, kh*kw, outH, outW) -> (B*outH*outW, C*kh*kw): the column order of weight.reshape(out, C*kh*kw)
        NDArray columns = NDArrays.stack(taps, 2).transpose(0, 3, 4, 1, 2).reshape(batch * outH * outW, channels * kh * kw);
        try (NDArray flatWeight = weight.reshape(out, channels * kh * kw)) {
            NDArray result = ai.djl.nn.core.Linear.linear(columns, flatWeight, bias).singletonOrThrow();
            return result.reshape(batch, outH, outW, out).transpose(0, 3, 1, 2).reshape(batch, out, outH, outW);
        }
    }

    public long outChannels() {
        return weight.getShape().get(0);
    }
}
