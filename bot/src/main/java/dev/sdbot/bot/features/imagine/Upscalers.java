package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.scheduler.JobService;
import net.dv8tion.jda.api.interactions.commands.Command;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The ESRGAN-family upscalers the live workers publish (name → the factor the network enlarges by), which one the
 * Upscale button and {@code /upscale} use when none is named ({@code models.defaultUpscaler} when a live worker
 * publishes it, else the first published that enlarges), and the upscale requests they make.
 */
public final class Upscalers {
    private final JobService jobs;
    private final String configured;

    /** @param configured {@code models.defaultUpscaler}, or null */
    public Upscalers(JobService jobs, String configured) {
        this.jobs = jobs;
        this.configured = configured == null || configured.isBlank() ? null : configured.strip();
    }

    /** Name → factor over the live workers. */
    Map<String, Integer> published() {
        return jobs.upscalers();
    }

    /** The upscaler to use when none is named: one that enlarges (factor 2 or more); empty when there is none. */
    Optional<String> defaultName(Map<String, Integer> published) {
        if (configured != null && published.getOrDefault(configured, 0) > 1) {
            return Optional.of(configured);
        }
        return published.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).findFirst();
    }

    /** Up to 25 published upscalers whose name contains what was typed, labelled with their factor. */
    static List<Command.Choice> choices(Map<String, Integer> published, String typed) {
        String lower = typed.toLowerCase(Locale.ROOT);
        return published.entrySet().stream().filter(e -> e.getKey().toLowerCase(Locale.ROOT).contains(lower)).limit(25)
                .map(e -> new Command.Choice(e.getKey() + " (" + e.getValue() + "x)", e.getKey())).toList();
    }

    /**
     * The upscale of {@code image} by {@code scale} with {@code name}: sides rounded down to a multiple of 8 (as the
     * hires fix rounds), at most {@link GenerationRequest#MAX_SIDE}.
     *
     * @param model the model of the image's own job, or ""
     * @throws Rejection saying what to change: a scale the network cannot give, a result too large or too small
     */
    static GenerationRequest request(byte[] image, String name, int factor, int scale, String model) {
        if (factor == 1 && scale != 1) {
            throw new Rejection("⚠️ `" + name + "` is a 1x network: it restores without enlarging; use `scale:1` or a "
                    + "2x/4x upscaler.");
        }
        if (factor > 1 && scale != 2 && scale != 4) {
            throw new Rejection("⚠️ `" + name + "` is a " + factor + "x network: it gives 2x or 4x, not " + scale + "x.");
        }
        ImageCodec.ImageInfo info;
        try {
            info = ImageCodec.inspect(image);
        } catch (InvalidRequestException e) {
            throw new Rejection("⚠️ The image is not an image I can read (" + e.getMessage() + ").");
        }
        int width = info.width() * scale / 8 * 8;
        int height = info.height() * scale / 8 * 8;
        if (width > GenerationRequest.MAX_SIDE || height > GenerationRequest.MAX_SIDE) {
            throw new Rejection("⚠️ The image is too large to upscale: " + info.width() + "x" + info.height() + " at "
                    + scale + "x would be " + info.width() * scale + "x" + info.height() * scale + "; the result may be at"
                    + " most " + GenerationRequest.MAX_SIDE + " pixels a side (at most "
                    + GenerationRequest.MAX_SIDE / scale + " a side at " + scale + "x).");
        }
        if (width < 8 || height < 8) {
            throw new Rejection("⚠️ The image is too small: " + info.width() + "x" + info.height() + " at " + scale
                    + "x is under 8 pixels a side.");
        }
        return GenerationRequest.upscale(image, name, width, height, model);
    }
}
