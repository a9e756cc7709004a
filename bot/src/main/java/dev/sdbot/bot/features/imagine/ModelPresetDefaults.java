package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.inference.api.ModelPreset;

import java.util.Optional;

/**
 * A model's own defaults (its {@code NAME.yaml} sidecar, as the workers published it) for the /imagine options a
 * member leaves out: they come before the channel's and the guild's, since a few-step model needs its steps and CFG
 * whatever the server's usual ones are, and an anime SD 1.5 model its clip skip 2.
 */
final class ModelPresetDefaults {
    private ModelPresetDefaults() {
    }

    /**
     * {@code defaults} with the preset's values over them.
     *
     * @throws Rejection when the model's sidecar is invalid: its jobs would fail, so nothing is queued
     */
    static ImagineDefaults over(ImagineDefaults defaults, String model, ModelPreset preset) {
        if (preset == null) {
            return defaults;
        }
        if (preset.problem() != null) {
            throw new Rejection("⚠️ Model `" + model + "` is unavailable until an operator fixes its defaults: "
                    + preset.problem());
        }
        boolean size = preset.width() != null && preset.height() != null;
        return new ImagineDefaults(defaults.model(),
                preset.sampler() != null ? preset.sampler() : defaults.sampler(),
                preset.steps() != null ? preset.steps() : defaults.steps(),
                preset.cfg() != null ? preset.cfg() : defaults.cfgScale(),
                size ? preset.width() : defaults.width(),
                size ? preset.height() : defaults.height(),
                defaults.negativePrompt(), defaults.maxPixels(),
                preset.clipSkip() != null ? preset.clipSkip() : defaults.clipSkip());
    }

    /** The line telling the member which of the model's defaults stood in for options they left out. */
    static Optional<String> notice(String model, ModelPreset preset) {
        if (preset == null || preset.problem() != null || preset.describe().isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("ℹ️ `" + model + "` has its own defaults for the options you leave out: "
                + preset.describe() + ".");
    }
}
