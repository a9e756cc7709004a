package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.inference.api.GenerationRequest;

import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The channels where the guild's admins let /imagine be used ({@code /admin settings imagine_channel}); none set
 * means everywhere. Applies to the result buttons too: a result left in a channel that is no longer allowed
 * cannot be re-submitted there.
 */
public final class ImagineChannelCheck implements SubmitCheck {
    private final GuildSettingsStore settings;
    private final Clock clock;

    public ImagineChannelCheck(GuildSettingsStore settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    public GenerationRequest check(Submitter submitter, GenerationRequest request, List<String> notices) {
        long[] allowed = settings.get(submitter.guildId(), clock.instant()).getImagineChannelIds();
        if (allowed.length > 0 && Arrays.stream(allowed).noneMatch(id -> id == submitter.channelId())) {
            throw new Rejection("🚫 Image generation isn't available in this channel: use /imagine in "
                    + Arrays.stream(allowed).mapToObj(id -> "<#" + id + ">").collect(Collectors.joining(", ")) + ".");
        }
        return request;
    }
}
