package dev.sdbot.bot.features.imagine;

import dev.sdbot.db.store.GenerationDefaultsStore.GenerationDefaults;
import dev.sdbot.inference.api.Sampler;

/**
 * The values /imagine uses for options the member left out, and the guild's pixel limit.
 *
 * @param maxPixels largest width * height allowed in the guild
 * @param clipSkip  the guild's (or channel's) clip skip, 1 unless set; a model's own comes first
 */
public record ImagineDefaults(String model, Sampler sampler, int steps, double cfgScale, int width, int height,
                              String negativePrompt, long maxPixels, int clipSkip) {

    /** With clip skip 1 (A1111's default). */
    public ImagineDefaults(String model, Sampler sampler, int steps, double cfgScale, int width, int height,
                           String negativePrompt, long maxPixels) {
        this(model, sampler, steps, cfgScale, width, height, negativePrompt, maxPixels, 1);
    }

    public static ImagineDefaults standard(String model) {
        return new ImagineDefaults(model, Sampler.EULER_A, 25, 7.0, 512, 512, "", 768L * 768, 1);
    }

    /** These defaults overridden by the non-null fields of a guild or channel row. */
    public ImagineDefaults with(GenerationDefaults row) {
        return new ImagineDefaults(
                row.model() != null ? row.model() : model,
                row.sampler() != null ? Sampler.fromId(row.sampler()) : sampler,
                row.steps() != null ? row.steps() : steps,
                row.cfgScale() != null ? row.cfgScale() : cfgScale,
                row.width() != null ? row.width() : width,
                row.height() != null ? row.height() : height,
                row.negativePrompt() != null ? row.negativePrompt() : negativePrompt,
                row.maxPixels() != null ? row.maxPixels() : maxPixels,
                row.clipSkip() != null ? row.clipSkip() : clipSkip);
    }

    /** The pixel limit is the guild's: a channel row cannot raise it. */
    public ImagineDefaults withMaxPixels(long value) {
        return new ImagineDefaults(model, sampler, steps, cfgScale, width, height, negativePrompt, value, clipSkip);
    }
}
