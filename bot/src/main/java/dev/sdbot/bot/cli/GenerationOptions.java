package dev.sdbot.bot.cli;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import picocli.CommandLine.Option;

/**
 * The generation options that {@code generate} and {@code jobs submit} share (a picocli mixin). They are only
 * parsed here; the rules (ranges, multiples of 8...) are checked where the request is used: by the engine for
 * {@code generate}, by the job service for {@code jobs submit}.
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

    GenerationRequest request(String model, Sampler parsedSampler, int images, byte[] initImage, double strength,
                              byte[] maskImage, int clipSkip) {
        return new GenerationRequest(prompt, negative, model, parsedSampler, steps, cfg, width, height, seed, images,
                initImage, strength, maskImage, clipSkip);
    }
}
