package dev.sdbot.bot.config;

import java.nio.file.Path;

/**
 * Where the models are and how many stay loaded ({@code models:} in sdbot.yaml).
 *
 * <p>{@code safetyChecker}: the safety checker folder for models without their own; null means
 * {@code <dir>/safety-checker} when that exists. {@code defaultModel} unset: the first installed model
 * (the loader fills it in), else the test pattern. {@code defaultUpscaler}: the ESRGAN-family upscaler of the Upscale
 * button and of {@code /upscale} without one; unset or not published by any live worker: the first one published.
 */
public record ModelsConfig(Path dir, Path safetyChecker, String defaultModel, double cacheGb, String defaultUpscaler) {

    public ModelsConfig {
        if (!(cacheGb > 0)) {
            throw new IllegalArgumentException("the model cache (SDBOT_MODEL_CACHE_GB) must be positive, got " + cacheGb);
        }
    }
}
