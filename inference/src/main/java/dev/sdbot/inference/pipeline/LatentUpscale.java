package dev.sdbot.inference.pipeline;

import ai.djl.modality.cv.Image;
import ai.djl.modality.cv.util.NDImageUtils;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.HiresUpscaler;

/** torch's {@code interpolate(latents, size, mode)} (align_corners=False, no antialias) as A1111's latent upscalers. */
final class LatentUpscale {
    /** torch's cubic convolution coefficient. */
    private static final float A = -0.75f;

    private LatentUpscale() {
    }

    /** @param latents (N, C, h, w) → (N, C, height, width) */
    static NDArray resize(NDArray latents, int height, int width, HiresUpscaler upscaler) {
        Image.Interpolation mode = switch (upscaler.method()) {
            case LATENT -> Image.Interpolation.BILINEAR;
            // DJL's bicubic resize is libtorch's antialiased kernel (A1111's "Latent (bicubic antialiased)")
            case LATENT_BICUBIC -> null;
            case LATENT_NEAREST -> Image.Interpolation.NEAREST;
            case LANCZOS, MODEL -> throw new IllegalArgumentException(upscaler.displayName()
                    + " upscales the decoded image, not the latents");
        };
        if (mode == null) {
            return bicubic(latents, height, width);
        }
        // NDImageUtils resizes channels-last arrays with libtorch's interpolate
        NDArray nhwc = latents.transpose(0, 2, 3, 1);
        return NDImageUtils.resize(nhwc, width, height, mode).transpose(0, 3, 1, 2);
    }

    /** torch's {@code upsample_bicubic2d} (align_corners=False, A = -0.75, edge indices clamped), plane by plane. */
    static NDArray bicubic(NDArray latents, int height, int width) {
        Shape s = latents.getShape();
        int planes = (int) (s.get(0) * s.get(1));
        int inH = (int) s.get(2);
        int inW = (int) s.get(3);
        float[] in = latents.toType(DataType.FLOAT32, false).toFloatArray();
        Taps rows = Taps.of(inH, height);
        Taps cols = Taps.of(inW, width);
        float[] out = new float[planes * height * width];
        for (int p = 0; p < planes; p++) {
            int base = p * inH * inW;
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float v = 0;
                    for (int i = 0; i < 4; i++) {
                        float row = 0;
                        int r = base + rows.index[y * 4 + i] * inW;
                        for (int j = 0; j < 4; j++) {
                            row += in[r + cols.index[x * 4 + j]] * cols.weight[x * 4 + j];
                        }
                        v += row * rows.weight[y * 4 + i];
                    }
                    out[(p * height + y) * width + x] = v;
                }
            }
        }
        return latents.getManager().create(out, new Shape(s.get(0), s.get(1), height, width))
                .toType(latents.getDataType(), false);
    }

    /** The four source indices and weights of each output index along one axis. */
    private record Taps(int[] index, float[] weight) {
        static Taps of(int in, int out) {
            float scale = (float) in / out;
            int[] index = new int[out * 4];
            float[] weight = new float[out * 4];
            for (int o = 0; o < out; o++) {
                float src = scale * (o + 0.5f) - 0.5f;
                int floor = (int) Math.floor(src);
                float t = src - floor;
                float[] w = {far(t + 1), near(t), near(1 - t), far(2 - t)};
                for (int k = 0; k < 4; k++) {
                    index[o * 4 + k] = Math.min(Math.max(floor - 1 + k, 0), in - 1);
                    weight[o * 4 + k] = w[k];
                }
            }
            return new Taps(index, weight);
        }

        private static float near(float x) {
            return ((A + 2) * x - (A + 3)) * x * x + 1;
        }

        private static float far(float x) {
            return ((A * x - 5 * A) * x + 8 * A) * x - 4 * A;
        }
    }
}
