package dev.sdbot.bot.config;

import dev.sdbot.inference.nn.Attention;
import dev.sdbot.inference.pipeline.Precision;

/**
 * The worker's image generator ({@code engine:} in sdbot.yaml): {@code generator} is {@code diffusion},
 * {@code test-pattern} or {@code auto}; {@code attention} is the attention kernel of every layer ({@code sdpa}:
 * libtorch's fused one, {@code plain}: matMul + softmax); {@code testPatternStepMillis} slows the fake generator down.
 */
public record EngineConfig(String generator, String precision, String attention, long vaeTileAbovePixels,
                           int testPatternStepMillis) {

    public EngineConfig {
        if (vaeTileAbovePixels < 0) {
            throw new IllegalArgumentException("the VAE tiling threshold (SDBOT_VAE_TILE_ABOVE_PIXELS) must be >= 0, got "
                    + vaeTileAbovePixels);
        }
        if (testPatternStepMillis < 0) {
            throw new IllegalArgumentException("test pattern step delay cannot be negative");
        }
        try {
            Attention.Kernel.parse(attention);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("SDBOT_ATTENTION (attention): " + e.getMessage());
        }
        try {
            Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            // no cause: the loader reports the innermost message
            throw new IllegalArgumentException("SDBOT_PRECISION (precision): " + e.getMessage());
        }
    }

    /** The engine's attention kernel (SDBOT_ATTENTION). */
    public Attention.Kernel parsedAttention() {
        return Attention.Kernel.parse(attention);
    }

    /** The engine's precision (SDBOT_PRECISION). */
    public Precision parsedPrecision() {
        return Precision.parse(precision);
    }
}
