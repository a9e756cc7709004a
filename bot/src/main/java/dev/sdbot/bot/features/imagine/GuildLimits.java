package dev.sdbot.bot.features.imagine;

import dev.sdbot.db.entity.GuildSettings;
import dev.sdbot.db.store.GenerationDefaultsStore;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.inference.api.GenerationRequest;

import java.time.Clock;
import java.util.Optional;

/**
 * A guild's /imagine defaults and the limits every request of the guild must respect, whether it
 * comes from /imagine or from a result button: pixels per image ({@code generation_defaults.max_pixels}
 * of the guild row), steps and images per request ({@code guild_settings.max_steps / max_images}).
 */
public final class GuildLimits {
    private final GenerationDefaultsStore defaultsStore;
    private final GuildSettingsStore settingsStore;
    private final ImagineDefaults botDefaults;
    private final Clock clock;

    public GuildLimits(GenerationDefaultsStore defaultsStore, GuildSettingsStore settingsStore, ImagineDefaults botDefaults,
                       Clock clock) {
        this.defaultsStore = defaultsStore;
        this.settingsStore = settingsStore;
        this.botDefaults = botDefaults;
        this.clock = clock;
    }

    /** The bot's defaults overridden by the guild's row, then the channel's (which cannot raise the pixel limit). */
    public ImagineDefaults defaultsFor(long guildId, long channelId) {
        ImagineDefaults d = botDefaults;
        Optional<GenerationDefaultsStore.GenerationDefaults> guild = defaultsStore.find(guildId, 0);
        if (guild.isPresent()) {
            d = d.with(guild.get());
        }
        if (channelId != 0) {
            Optional<GenerationDefaultsStore.GenerationDefaults> channel = defaultsStore.find(guildId, channelId);
            if (channel.isPresent()) {
                d = d.with(channel.get()).withMaxPixels(d.maxPixels());
            }
        }
        return d;
    }

    /** The bot's defaults overridden by a (proposed) guild row: what /imagine would use with it. */
    public ImagineDefaults defaultsWith(GenerationDefaultsStore.GenerationDefaults guildRow) {
        return botDefaults.with(guildRow);
    }

    /** What of the request is over the guild's limits (a sentence for the member), or empty. */
    public Optional<String> problem(long guildId, GenerationRequest request) {
        return problem(guildId, request, defaultsFor(guildId, 0).maxPixels());
    }

    /** As {@link #problem(long, GenerationRequest)} with the pixel limit already known. */
    public Optional<String> problem(long guildId, GenerationRequest request, long maxPixels) {
        // the pixel limit bounds diffusion; an upscale job runs none (its size is bounded by the request's rules)
        if (!request.isUpscale() && (long) request.outputWidth() * request.outputHeight() > maxPixels) {
            return Optional.of(request.outputWidth() + "x" + request.outputHeight()
                    + (request.hires() != null ? " (after the hires fix)" : "") + " is over this server's limit of "
                    + maxPixels + " pixels per image; pick a smaller size.");
        }
        GuildSettings settings = settingsStore.get(guildId, clock.instant());
        Integer maxSteps = settings.getMaxSteps();
        if (maxSteps != null && request.steps() > maxSteps) {
            return Optional.of(request.steps() + " steps is over this server's limit of " + maxSteps
                    + " steps; use fewer steps.");
        }
        Integer maxImages = settings.getMaxImages();
        if (maxImages != null && request.count() > maxImages) {
            return Optional.of(request.count() + " images is over this server's limit of " + maxImages
                    + " image" + (maxImages == 1 ? "" : "s") + " per request; ask for fewer.");
        }
        return Optional.empty();
    }
}
