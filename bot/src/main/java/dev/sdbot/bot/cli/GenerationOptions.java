package dev.sdbot.bot.cli;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.api.HiresUpscaler;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.model.ModelDefaults;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * The generation options that {@code generate} and {@code jobs submit} share (a picocli mixin), made into a request
 * checked by {@link GenerationRequest#problems()}, the rules the bot, the job service and the engine apply too.
 * Sampler, steps, CFG and size left out take the model's own defaults ({@link ModelDefaults}, {@code generate} only)
 * and then the built-in ones.
 */
final class GenerationOptions {
    @Option(names = "--prompt", required = true, description = "Prompt.")
    String prompt;
    @Option(names = "--negative", defaultValue = "", description = "Negative prompt.")
    String negative;
    static final Sampler DEFAULT_SAMPLER = Sampler.EULER_A;
    static final int DEFAULT_STEPS = 20;
    static final double DEFAULT_CFG = 7.0;
    static final int DEFAULT_SIDE = 512;

    @Option(names = "--sampler", completionCandidates = SamplerIds.class,
            description = "Sampler id or A1111 name (the model's default, else euler_a): ${COMPLETION-CANDIDATES}.")
    String sampler;
    @Option(names = "--steps", description = "Denoising steps, 1-150 (the model's default, else 20).")
    Integer steps;
    @Option(names = "--cfg", description = "Guidance scale, 1-30 (the model's default, else 7); 1 skips the"
            + " unconditional pass (few-step models).")
    Double cfg;
    @Option(names = "--seed", description = "Seed of the first image (random when omitted); image i uses seed + i.")
    Long seed;
    @Option(names = {"--variation-seed", "--subseed"}, description = "A1111's variation seed of the first image,"
            + " 0-4294967295 (random when omitted); image i uses it + i and every image keeps --seed. Used only with"
            + " --variation-strength above 0.")
    Long variationSeed;
    @Option(names = {"--variation-strength", "--subseed-strength"}, defaultValue = "0", description = "A1111's"
            + " variation seed strength, 0-1: how far the start noise moves towards the variation seed's (0 = none,"
            + " the default; 1 = the variation seed's noise).")
    double variationStrength;
    @Option(names = "--width", description = "Width, a multiple of 8 (the model's default, else 512).")
    Integer width;
    @Option(names = "--height", description = "Height, a multiple of 8 (the model's default, else 512).")
    Integer height;

    @Option(names = "--hires-scale", description = "Hires fix: generate at --width x --height, enlarge by this factor"
            + " (above 1, at most 4) and refine (A1111's hires fix). Off when omitted.")
    Double hiresScale;
    @Option(names = "--hires-steps", defaultValue = "0", description = "Hires fix steps (0 = --steps).")
    int hiresSteps;
    @Option(names = "--hires-strength", defaultValue = "0.5", description = "Hires fix denoising strength, (0, 1]"
            + " (${DEFAULT-VALUE}).")
    double hiresStrength;
    @Option(names = "--hires-upscaler", defaultValue = "latent", description = "Hires fix upscaler: latent,"
            + " latent-bicubic, latent-nearest, lanczos, or the name of an ESRGAN-family upscaler in"
            + " SDBOT_MODELS/upscalers (${DEFAULT-VALUE}).")
    String hiresUpscaler;

    /** The hires fix asked for, or null (the engine refuses an upscaler it does not have, listing those it has). */
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

    /** The sampler asked for, parsed (an unknown one is an IllegalArgumentException naming it), or null. */
    Sampler parsedSampler() {
        return sampler == null ? null : Sampler.fromId(sampler);
    }

    /**
     * The request: each option left out takes {@code defaults}' value, then the built-in default; refused (an
     * IllegalArgumentException listing its {@link GenerationRequest#problems()}) before any model or database is
     * touched.
     *
     * @param clipSkip the --clip-skip given, or null
     */
    GenerationRequest request(String model, ModelDefaults defaults, int images, byte[] initImage, double strength,
                              byte[] maskImage, Integer clipSkip) {
        GenerationRequest request = GenerationRequest.builder(prompt, model).negativePrompt(negative)
                .sampler(first(parsedSampler(), defaults.sampler(), DEFAULT_SAMPLER))
                .steps(first(steps, defaults.steps(), DEFAULT_STEPS)).cfgScale(first(cfg, defaults.cfg(), DEFAULT_CFG))
                .size(first(width, defaults.width(), DEFAULT_SIDE), first(height, defaults.height(), DEFAULT_SIDE))
                .seed(seed).count(images).images(initImage, maskImage).strength(strength)
                .clipSkip(first(clipSkip, defaults.clipSkip(), 1)).hires(hires())
                .variation(variationSeed, variationStrength).build();
        List<String> problems = request.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return request;
    }

    private static <T> T first(T given, T modelDefault, T builtIn) {
        return given != null ? given : modelDefault != null ? modelDefault : builtIn;
    }
}
