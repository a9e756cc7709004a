package dev.sdbot.bot.features.imagine;

import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.inference.api.GenerationRequest;

import java.time.Clock;
import java.util.List;

/**
 * Prepends the guild's negative-prompt prefix ({@code /admin settings negative_prefix}) to the member's negative
 * prompt. Idempotent: a request whose negative prompt already starts with the prefix (a button re-submitting a
 * stored job, which carries it) is left as it is, so buttons apply the current prefix exactly once.
 */
public final class NegativePrefixCheck implements SubmitCheck {
    private final GuildSettingsStore settings;
    private final Clock clock;

    public NegativePrefixCheck(GuildSettingsStore settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public GenerationRequest check(Submitter submitter, GenerationRequest request, List<String> notices) {
        String prefix = settings.get(submitter.guildId(), clock.instant()).getNegativePromptPrefix();
        String negative = request.negativePrompt() == null ? "" : request.negativePrompt().strip();
        if (prefix.isEmpty() || negative.startsWith(prefix)) {
            return request;
        }
        String combined = negative.isEmpty() ? prefix : prefix + ", " + negative;
        return request.withNegativePrompt(combined);
    }
}
