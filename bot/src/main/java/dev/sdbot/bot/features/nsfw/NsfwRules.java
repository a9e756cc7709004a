package dev.sdbot.bot.features.nsfw;

import dev.sdbot.db.entity.GuildSettings;
import dev.sdbot.db.store.ChannelNsfwPolicyStore;
import dev.sdbot.db.store.GuildSettingsStore;

import java.time.Clock;

/** Reads what {@link NsfwPolicy} needs for one channel: the channel's override, else the guild's policy. */
public final class NsfwRules {
    private final GuildSettingsStore guildSettings;
    private final ChannelNsfwPolicyStore channelPolicies;
    private final Clock clock;

    public NsfwRules(GuildSettingsStore guildSettings, ChannelNsfwPolicyStore channelPolicies, Clock clock) {
        this.guildSettings = guildSettings;
        this.channelPolicies = channelPolicies;
        this.clock = clock;
    }

    public NsfwPolicy.ChannelRules forChannel(long guildId, long channelId, boolean ageRestricted) {
        GuildSettings settings = guildSettings.get(guildId, clock.instant());
        String policy = channelPolicies.find(guildId, channelId).orElse(settings.getNsfwPolicy());
        return new NsfwPolicy.ChannelRules(NsfwPolicy.Policy.parse(policy), settings.getNsfwThresholdShift(),
                settings.isAllowUnchecked(), ageRestricted);
    }
}
