package dev.sdbot.inference.image;

/** Image effects for moderation policies (e.g. blurring an image the safety checker flagged). */
public final class ImageEffects {
    private static final int BOX_PASSES = 3;

    private ImageEffects() {
    }

    /**
     * A strong blur: three box-blur passes per axis (close to a Gaussian of sigma ≈ radius),
     * edges clamped.
     *
     * @param radius box half-width in pixels, at least 1
     */
    public static RgbImage blur(RgbImage image, int radius) {
        if (radius < 1) {
            throw new IllegalArgumentException("blur radius must be at least 1, got " + radius);
        }
        int w = image.width();
        int h = image.height();
        byte[] a = image.pixels().clone();
        byte[] b = new byte[a.length];
        for (int pass = 0; pass < BOX_PASSES; pass++) {
            boxBlur(a, b, w, h, radius, true);
            boxBlur(b, a, w, h, radius, false);
        }
        return new RgbImage(w, h, a);
    }

    /** The blur radius that hides detail at any size: 1/40 of the longer side. */
    public static RgbImage obscure(RgbImage image) {
        return blur(image, Math.max(2, Math.max(image.width(), image.height()) / 40));
    }

    /** One sliding-window box blur along rows ({@code horizontal}) or columns. */
    private static void boxBlur(byte[] src, byte[] dst, int w, int h, int r, boolean horizontal) {
        int lines = horizontal ? h : w;
        int length = horizontal ? w : h;
        int window = 2 * r + 1;
        for (int line = 0; line < lines; line++) {
            for (int c = 0; c < 3; c++) {
                int sum = 0;
                for (int i = -r; i <= r; i++) {
                    sum += sample(src, w, line, clamp(i, length), c, horizontal);
                }
                for (int i = 0; i < length; i++) {
                    int index = horizontal ? (line * w + i) * 3 + c : (i * w + line) * 3 + c;
                    dst[index] = (byte) ((sum + window / 2) / window);
                    sum += sample(src, w, line, clamp(i + r + 1, length), c, horizontal)
                            - sample(src, w, line, clamp(i - r, length), c, horizontal);
                }
            }
        }
    }

    private static int sample(byte[] px, int w, int line, int i, int c, boolean horizontal) {
        return px[(horizontal ? line * w + i : i * w + line) * 3 + c] & 0xff;
    }

    private static int clamp(int i, int length) {
        return i < 0 ? 0 : Math.min(i, length - 1);
    }
}
