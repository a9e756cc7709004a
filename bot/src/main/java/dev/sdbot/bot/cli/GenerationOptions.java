package dev.sdbot.bot.cli;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.api.HiresUpscaler;
import dev.sdbot.inference.api.Sampler;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * The generation options that {@code generate} and {@code jobs submit} share (a picocli mixin), made into a request
 * checked by {@link GenerationRequest#problems()}, the rules the bot, the job service and the engine apply too.
 */
final class GenerationOptions {
    @Option(names = "--prompt", required = true, description = "Prompt.")
    String prompt;
    @Option(names = "--negative", defaultValue = "", description = "Negative prompt.")
    String negative;
    @Option(names = "--sampler", defaultValue = "euler_a", completionCandidates = SamplerIds.class,
            description = "Sampler id or A1111 name (${DEFAULT-VALUE}): ${COMPLETION-CANDIDATES}.")
    String sampler;
    @Option(names = "--steps", defaultValue = "20", description = "Denoising steps, 1-150 (${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--cfg", defaultValue = "7.0", description = "Guidance scale, 1-30 (${DEFAULT-VALUE}).")
    double cfg;
    @Option(names = "--seed", description = "Seed of the first image (random when omitted); image i uses seed + i.")
    Long seed;
    @Option(names = "--width", defaultValue = "512", description = "Width, a multiple of 8 (${DEFAULT-VALUE}).")
    int width;
    @Option(names = "--height", defaultValue = "512", description = "Height, a multiple of 8 (${DEFAULT-VALUE}).")
    int height;

    @Option(names = "--hires-scale", description = "Hires fix: generate at --width x --height, enlarge by this factor"
            + " (above 1, at most 4) and refine (A1111's hires fix). Off when omitted.")
    Double hiresScale;
    @Option(names = "--hires-steps", defaultValue = "0", description = "Hires fix steps (0 = --steps).")
    int hiresSteps;
    @Option(names = "--hires-strength", defaultValue = "0.5", description = "Hires fix denoising strength, (0, 1]"
            + " (${DEFAULT-VALUE}).")
    double hiresStrength;
    @Option(names = "--hires-upscaler", defaultValue = "latent", description = "Hires fix upscaler: latent,"
            + " latent-bicubic, latent-nearest or lanczos (${DEFAULT-VALUE}).")
    String hiresUpscaler;

    /** The hires fix asked for, or null (an unknown upscaler is an IllegalArgumentException naming it). */
    HiresFix hires() {
        HiresUpscaler upscaler = HiresUpscaler.fromId(hiresUpscaler);
        return hiresScale == null ? null : new HiresFix(hiresScale, upscaler, hiresSteps, hiresStrength);
    }

    /** Every sampler's id, for the help text. */
    static final class SamplerIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return java.util.Arrays.stream(Sampler.values()).map(Sampler::id).iterator();
        }
    }

    /** The sampler id, parsed (an unknown one is an IllegalArgumentException naming it). */
    Sampler parsedSampler() {
        return Sampler.fromId(sampler);
    }

    /**
     * The request from these options, refused (an IllegalArgumentException listing its {@link
     * GenerationRequest#problems()}) before any model or database is touched.
     */
    GenerationRequest request(String model, Sampler parsedSampler, int images, byte[] initImage, double strength,
                              byte[] maskImage, int clipSkip) {
        GenerationRequest request = GenerationRequest.builder(prompt, model).negativePrompt(negative).sampler(parsedSampler).steps(steps)
                .cfgScale(cfg).size(width, height).seed(seed).count(images).images(initImage, maskImage)
                .strength(strength).clipSkip(clipSkip).hires(hires()).build();
        List<String> problems = request.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return request;
    }
}
