package dev.sdbot.inference.api;

import java.util.Objects;

/**
 * A1111's hires fix: generate at the request's size, enlarge by {@code scale} with {@code upscaler}, then an
 * img2img pass at {@code strength} (A1111's "Denoising strength") running {@code steps} (0 = the request's steps)
 * as A1111 does ({@link DenoiseSteps#hires}).
 * The output is {@link #width}/{@link #height}: the scaled size rounded down to a multiple of 8.
 */
public record HiresFix(double scale, HiresUpscaler upscaler, int steps, double strength) {
    public static final double MAX_SCALE = 4;

    public HiresFix {
        Objects.requireNonNull(upscaler, "upscaler");
    }

    /** The Upscale button's strength: enough to redraw detail at the new size, little enough to keep the picture. */
    public static final double UPSCALE_STRENGTH = 0.4;

    /**
     * The Upscale button's fix: twice the size, A1111's default latent upscaler, strength 0.4, the request's steps
     * (hires steps 0, as A1111's default).
     */
    public static HiresFix upscaleButton() {
        return new HiresFix(2, HiresUpscaler.LATENT, 0, UPSCALE_STRENGTH);
    }

    public int width(int baseWidth) {
        return (int) (baseWidth * scale) / 8 * 8;
    }

    public int height(int baseHeight) {
        return (int) (baseHeight * scale) / 8 * 8;
    }

    /** The steps the second pass runs: the hires steps, or the request's when 0 (A1111's "Hires steps"). */
    public int steps(int baseSteps) {
        return steps == 0 ? baseSteps : steps;
    }

    /** The second pass as A1111 runs it: all {@link #steps(int)}, at the end of a longer schedule. */
    public DenoiseSteps denoiseSteps(int baseSteps) {
        return DenoiseSteps.hires(steps(baseSteps), strength);
    }

    /**
     * What is wrong with the request's hires fix, or null (also null without one): txt2img only, scale in (1, 4],
     * hires steps 0..150, strength in (0, 1] with a schedule of at most 1000 steps, target sides within
     * {@link GenerationRequest#MAX_SIDE}. Part of {@link GenerationRequest#problems()}.
     */
    public static String problem(GenerationRequest r) {
        HiresFix fix = r.hires();
        if (fix == null) {
            return null;
        }
        if (r.isImg2Img()) {
            return "hires fix works on text-to-image requests only, not with an init image";
        }
        if (!(fix.scale() > 1 && fix.scale() <= MAX_SCALE)) {
            return "hires scale must be above 1 and at most " + (int) MAX_SCALE + ", got " + fix.scale();
        }
        if (fix.steps() < 0 || fix.steps() > GenerationRequest.MAX_STEPS) {
            return "hires steps must be between 0 (= steps) and " + GenerationRequest.MAX_STEPS + ", got " + fix.steps();
        }
        if (!(fix.strength() > 0 && fix.strength() <= 1)) {
            return "hires strength must be in (0, 1], got " + fix.strength();
        }
        if (r.outputWidth() > GenerationRequest.MAX_SIDE || r.outputHeight() > GenerationRequest.MAX_SIDE) {
            return "hires fix to " + r.outputWidth() + "x" + r.outputHeight() + " exceeds the largest side of "
                    + GenerationRequest.MAX_SIDE + "; lower the scale or the size";
        }
        DenoiseSteps plan = fix.denoiseSteps(r.steps());
        if (plan.schedule() > DenoiseSteps.MAX_SCHEDULE) {
            return "hires strength " + fix.strength() + " with " + plan.run() + " hires steps needs a schedule of "
                    + plan.schedule() + " steps, more than " + DenoiseSteps.MAX_SCHEDULE
                    + "; raise the strength or lower the hires steps";
        }
        return null;
    }
}
