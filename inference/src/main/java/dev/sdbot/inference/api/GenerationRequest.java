package dev.sdbot.inference.api;

import java.util.Objects;

/**
 * Everything needed to generate images, as plain values. Crosses module boundaries
 * (bot → scheduler → worker → engine), so it carries no JDA, DJL or Hibernate types.
 *
 * @param prompt         positive prompt
 * @param negativePrompt negative prompt ("" for none)
 * @param model          model name as installed (a key of the worker's model directory)
 * @param sampler        sampler id, see {@link Sampler}
 * @param steps          denoising steps (1..150)
 * @param cfgScale       classifier-free guidance scale (1..30)
 * @param width          multiple of 8
 * @param height         multiple of 8
 * @param seed           seed of the first image, image i uses seed + i; null = pick a random one
 * @param count          images per request (1..4)
 * @param initImage      encoded image (PNG/JPEG) for img2img/inpainting, or null
 * @param strength       img2img strength 0..1 (used only with initImage)
 * @param maskImage      encoded mask image (white = repaint) for inpainting, or null
 * @param clipSkip       1 = last CLIP layer, 2 = penultimate, ...
 * @param hires          a hires fix of a txt2img request, or null
 */
public record GenerationRequest(
        String prompt,
        String negativePrompt,
        String model,
        Sampler sampler,
        int steps,
        double cfgScale,
        int width,
        int height,
        Long seed,
        int count,
        byte[] initImage,
        double strength,
        byte[] maskImage,
        int clipSkip,
        HiresFix hires) {
    /** Bounds of a valid request, checked by the engine and by the job service before queueing. */
    public static final int MAX_SIDE = 2048;
    public static final int MAX_STEPS = 150;
    public static final double MIN_CFG = 1;
    public static final double MAX_CFG = 30;
    public static final int MAX_COUNT = 4;

    public GenerationRequest {
        Objects.requireNonNull(prompt, "prompt");
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
        Objects.requireNonNull(sampler, "sampler");
    }

    /** A request without hires fix. */
    public GenerationRequest(String prompt, String negativePrompt, String model, Sampler sampler, int steps,
                             double cfgScale, int width, int height, Long seed, int count, byte[] initImage,
                             double strength, byte[] maskImage, int clipSkip) {
        this(prompt, negativePrompt, model, sampler, steps, cfgScale, width, height, seed, count, initImage, strength,
                maskImage, clipSkip, null);
    }

    /** The same request with a hires fix (null for none). */
    public GenerationRequest withHires(HiresFix fix) {
        return new GenerationRequest(prompt, negativePrompt, model, sampler, steps, cfgScale, width, height, seed, count,
                initImage, strength, maskImage, clipSkip, fix);
    }

    /** Width of the images produced: the hires target when there is a hires fix. */
    public int outputWidth() {
        return hires == null ? width : hires.width(width);
    }

    public int outputHeight() {
        return hires == null ? height : hires.height(height);
    }

    /** A plain text-to-image request with the usual defaults. */
    public static GenerationRequest txt2img(String prompt, String model, int width, int height, Long seed) {
        return new GenerationRequest(prompt, "", model, Sampler.EULER_A, 20, 7.0, width, height, seed, 1,
                null, 0.75, null, 1);
    }

    public boolean isImg2Img() {
        return initImage != null;
    }

    public boolean isInpainting() {
        return initImage != null && maskImage != null;
    }

    /** Pixels produced: the output size (hires target included) times the count. */
    public long pixels() {
        return (long) outputWidth() * outputHeight() * count;
    }
}
