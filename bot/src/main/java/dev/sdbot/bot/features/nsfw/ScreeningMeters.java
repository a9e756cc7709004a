package dev.sdbot.bot.features.nsfw;

import dev.sdbot.inference.api.SafetyVerdict;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts the images of results as they are posted or blocked: {@code sdbot_images_checked_total{verdict}} (clean,
 * flagged, unchecked: the verdict after the guild's threshold shift) and, for those that did not pass,
 * {@code sdbot_images_policy_total{action}} (block, blur, spoiler, allow: what the channel's policy did with them).
 */
final class ScreeningMeters {
    private final Map<SafetyVerdict, Counter> verdicts = new EnumMap<>(SafetyVerdict.class);
    private final Map<NsfwPolicy.Treatment, Counter> actions = new EnumMap<>(NsfwPolicy.Treatment.class);

    ScreeningMeters(MeterRegistry registry) {
        for (SafetyVerdict verdict : SafetyVerdict.values()) {
            verdicts.put(verdict, Counter.builder("sdbot.images.checked")
                    .description("Images of posted or blocked results, by safety verdict")
                    .tag("verdict", verdict.name().toLowerCase(java.util.Locale.ROOT)).register(registry));
        }
        for (NsfwPolicy.Treatment treatment : NsfwPolicy.Treatment.values()) {
            actions.put(treatment, Counter.builder("sdbot.images.policy")
                    .description("Images that did not pass the safety check, by what the channel's NSFW policy did with them")
                    .tag("action", action(treatment)).register(registry));
        }
    }

    /** A not-passed image that is posted openly is the ALLOW policy at work (age-restricted channel). */
    private static String action(NsfwPolicy.Treatment treatment) {
        return treatment == NsfwPolicy.Treatment.POST ? "allow" : treatment.name().toLowerCase(java.util.Locale.ROOT);
    }

    void record(NsfwPolicy.Decision decision) {
        verdicts.get(decision.verdict()).increment();
        if (!decision.passed()) {
            actions.get(decision.treatment()).increment();
        }
    }
}
