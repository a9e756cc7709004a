package dev.sdbot.inference.api;

import java.util.Objects;

/**
 * A1111's hires fix: generate at the request's size, enlarge by {@code scale} with {@code upscaler}, then an
 * img2img pass at {@code strength} (A1111's "Denoising strength") with {@code steps} (0 = the request's steps).
 * The output is {@link #width}/{@link #height}: the scaled size rounded down to a multiple of 8.
 */
public record HiresFix(double scale, HiresUpscaler upscaler, int steps, double strength) {
    public static final double MAX_SCALE = 4;

    public HiresFix {
        Objects.requireNonNull(upscaler, "upscaler");
    }

    /** The Upscale button's fix: twice the size, A1111's default latent upscaler, strength 0.4. */
    public static HiresFix upscaleButton() {
        return new HiresFix(2, HiresUpscaler.LATENT, 0, 0.4);
    }

    public int width(int baseWidth) {
        return (int) (baseWidth * scale) / 8 * 8;
    }

    public int height(int baseHeight) {
        return (int) (baseHeight * scale) / 8 * 8;
    }

    public int steps(int baseSteps) {
        return steps == 0 ? baseSteps : steps;
    }
}
