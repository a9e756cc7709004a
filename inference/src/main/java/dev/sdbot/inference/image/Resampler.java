package dev.sdbot.inference.image;

/**
 * Pillow's convolution resampling ({@code Image.resize}) for 8-bit images, reproduced to the byte:
 * separable filters whose support widens by the scale factor when downscaling (antialiasing),
 * coefficients normalised and rounded to 22-bit fixed point, a horizontal pass clipped to 8 bits,
 * then a vertical pass. CLIPImageProcessor (the safety checker's input) and diffusers' image
 * processor resize with Pillow, so this keeps our inputs identical to theirs.
 */
public final class Resampler {
    private static final int PRECISION_BITS = 32 - 8 - 2;

    /** Pillow's resampling filters, with its numeric ids. */
    public enum Filter {
        LANCZOS(1, 3.0),
        BILINEAR(2, 1.0),
        BICUBIC(3, 2.0);

        private final int pillowId;
        private final double support;

        Filter(int pillowId, double support) {
            this.pillowId = pillowId;
            this.support = support;
        }

        double weight(double x) {
            double ax = Math.abs(x);
            return switch (this) {
                case BILINEAR -> ax < 1.0 ? 1.0 - ax : 0.0;
                case BICUBIC -> bicubic(ax);
                case LANCZOS -> ax < 3.0 ? sinc(x) * sinc(x / 3.0) : 0.0;
            };
        }

        private static double bicubic(double x) {
            double a = -0.5;
            if (x < 1.0) {
                return ((a + 2.0) * x - (a + 3.0)) * x * x + 1;
            }
            if (x < 2.0) {
                return (((x - 5) * x + 8) * x - 4) * a;
            }
            return 0.0;
        }

        private static double sinc(double x) {
            if (x == 0.0) {
                return 1.0;
            }
            double px = x * Math.PI;
            return Math.sin(px) / px;
        }

        /** The filter for a Pillow / transformers {@code resample} id (1, 2 or 3). */
        public static Filter fromPillowId(int id) {
            for (Filter f : values()) {
                if (f.pillowId == id) {
                    return f;
                }
            }
            throw new IllegalArgumentException("unsupported resample filter id " + id
                    + " (supported: 1 = lanczos, 2 = bilinear, 3 = bicubic)");
        }
    }

    private Resampler() {
    }

    public static RgbImage resize(RgbImage image, int width, int height, Filter filter) {
        return new RgbImage(width, height,
                resize(image.pixels(), image.width(), image.height(), 3, width, height, filter));
    }

    public static GrayImage resize(GrayImage image, int width, int height, Filter filter) {
        return new GrayImage(width, height,
                resize(image.pixels(), image.width(), image.height(), 1, width, height, filter));
    }

    /** Resizes interleaved 8-bit pixels with {@code channels} samples each. */
    static byte[] resize(byte[] src, int srcW, int srcH, int channels, int dstW, int dstH, Filter filter) {
        if (dstW <= 0 || dstH <= 0) {
            throw new IllegalArgumentException("target size must be positive, got " + dstW + "x" + dstH);
        }
        byte[] out = src;
        int w = srcW;
        if (dstW != srcW) {
            out = pass(out, srcW, srcH, channels, dstW, filter, true);
            w = dstW;
        }
        if (dstH != srcH) {
            out = pass(out, w, srcH, channels, dstH, filter, false);
        }
        return out == src ? src.clone() : out;
    }

    /** One direction: {@code horizontal} maps widths srcW → dst, otherwise heights srcH → dst. */
    private static byte[] pass(byte[] src, int srcW, int srcH, int channels, int dst, Filter filter, boolean horizontal) {
        int inSize = horizontal ? srcW : srcH;
        Coefficients k = Coefficients.compute(inSize, dst, filter);
        int outW = horizontal ? dst : srcW;
        int outH = horizontal ? srcH : dst;
        byte[] out = new byte[outW * outH * channels];
        // Step between neighbouring input samples along the filtered axis.
        int step = horizontal ? channels : srcW * channels;
        for (int y = 0; y < outH; y++) {
            for (int x = 0; x < outW; x++) {
                int o = horizontal ? x : y;
                int min = k.bounds[2 * o];
                int count = k.bounds[2 * o + 1];
                int base = horizontal ? (y * srcW + min) * channels : (min * srcW + x) * channels;
                for (int c = 0; c < channels; c++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    int p = base + c;
                    for (int i = 0; i < count; i++, p += step) {
                        sum += (src[p] & 0xff) * k.weights[o * k.size + i];
                    }
                    out[(y * outW + x) * channels + c] = clip8(sum);
                }
            }
        }
        return out;
    }

    private static byte clip8(int value) {
        int v = value >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** Pillow's {@code precompute_coeffs} + {@code normalize_coeffs_8bpc}. */
    private record Coefficients(int size, int[] bounds, int[] weights) {
        static Coefficients compute(int inSize, int outSize, Filter filter) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = filter.support * filterScale;
            int size = (int) Math.ceil(support) * 2 + 1;
            int[] bounds = new int[outSize * 2];
            int[] weights = new int[outSize * size];
            double[] k = new double[size];
            for (int xx = 0; xx < outSize; xx++) {
                double center = (xx + 0.5) * scale;
                double ss = 1.0 / filterScale;
                int xmin = Math.max((int) (center - support + 0.5), 0);
                int xmax = Math.min((int) (center + support + 0.5), inSize) - xmin;
                double total = 0.0;
                for (int x = 0; x < xmax; x++) {
                    k[x] = filter.weight((x + xmin - center + 0.5) * ss);
                    total += k[x];
                }
                for (int x = 0; x < xmax; x++) {
                    double w = total != 0.0 ? k[x] / total : k[x];
                    weights[xx * size + x] = (int) (w < 0 ? -0.5 + w * (1 << PRECISION_BITS) : 0.5 + w * (1 << PRECISION_BITS));
                }
                bounds[2 * xx] = xmin;
                bounds[2 * xx + 1] = xmax;
            }
            return new Coefficients(size, bounds, weights);
        }
    }
}
