package dev.sdbot.inference.image;

/**
 * Fitting a user's init image (and its mask, with the same mode so they stay aligned) to the
 * generation size, with Lanczos resampling as diffusers' image processor uses.
 */
public final class ImageResize {
    /** How an image of another aspect ratio is fitted. */
    public enum Mode {
        /** Scale each axis independently (A1111 "Just resize", diffusers' default). */
        STRETCH,
        /** Scale to cover the target, then cut the overflow from both sides (A1111 "Crop and resize"). */
        CROP
    }

    private ImageResize() {
    }

    public static RgbImage fit(RgbImage image, int width, int height, Mode mode) {
        return new RgbImage(width, height, fit(image.pixels(), image.width(), image.height(), 3, width, height, mode));
    }

    public static GrayImage fit(GrayImage image, int width, int height, Mode mode) {
        return new GrayImage(width, height, fit(image.pixels(), image.width(), image.height(), 1, width, height, mode));
    }

    private static byte[] fit(byte[] px, int w, int h, int channels, int width, int height, Mode mode) {
        if (w == width && h == height) {
            return px.clone();
        }
        if (mode == Mode.STRETCH) {
            return Resampler.resize(px, w, h, channels, width, height, Resampler.Filter.LANCZOS);
        }
        // A1111 resize_image mode 1: the scaled size covers the target on both axes.
        boolean targetWider = (double) width / height > (double) w / h;
        int scaledW = targetWider ? width : (int) ((long) w * height / h);
        int scaledH = targetWider ? (int) ((long) h * width / w) : height;
        byte[] scaled = Resampler.resize(px, w, h, channels, scaledW, scaledH, Resampler.Filter.LANCZOS);
        // A1111 pastes the scaled image at (width // 2 - scaledW // 2, ...): the same crop offsets.
        int x0 = scaledW / 2 - width / 2;
        int y0 = scaledH / 2 - height / 2;
        byte[] out = new byte[width * height * channels];
        for (int y = 0; y < height; y++) {
            System.arraycopy(scaled, ((y + y0) * scaledW + x0) * channels, out, y * width * channels, width * channels);
        }
        return out;
    }
}
