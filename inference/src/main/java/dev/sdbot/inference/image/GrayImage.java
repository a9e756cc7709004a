package dev.sdbot.inference.image;

/** An 8-bit single-channel image (masks: 255 = repaint), rows top to bottom. */
public record GrayImage(int width, int height, byte[] pixels) {
    public GrayImage {
        if (width <= 0 || height <= 0) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if (pixels.length != (long) width * height) {
            throw new IllegalArgumentException("a gray image of " + width + "x" + height + " needs "
                    + (long) width * height + " bytes, got " + pixels.length);
        }
    }

    public int sample(int x, int y) {
        return pixels[y * width + x] & 0xff;
    }

    /**
     * Luma as PIL's {@code convert("L")}: ITU-R 601-2 weights in 16-bit fixed point.
     */
    public static GrayImage luma(RgbImage rgb) {
        byte[] src = rgb.pixels();
        byte[] out = new byte[rgb.width() * rgb.height()];
        for (int i = 0; i < out.length; i++) {
            int r = src[3 * i] & 0xff;
            int g = src[3 * i + 1] & 0xff;
            int b = src[3 * i + 2] & 0xff;
            out[i] = (byte) ((r * 19595 + g * 38470 + b * 7471 + 0x8000) >> 16);
        }
        return new GrayImage(rgb.width(), rgb.height(), out);
    }
}
