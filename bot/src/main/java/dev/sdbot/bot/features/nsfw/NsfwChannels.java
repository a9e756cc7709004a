package dev.sdbot.bot.features.nsfw;

import net.dv8tion.jda.api.entities.channel.attribute.IAgeRestrictedChannel;
import net.dv8tion.jda.api.entities.channel.concrete.ThreadChannel;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;

/**
 * Which channel's NSFW rules apply where a job was asked for. A thread (a forum post included) has neither an age
 * restriction nor an override of its own in Discord's model as sdbot sees it: it follows its parent channel.
 */
public final class NsfwChannels {
    private NsfwChannels() {
    }

    /** The channel whose override applies: a thread's parent, else {@code channelId} itself (also when it is gone). */
    public static long policyChannelId(GuildChannel channel, long channelId) {
        return channel instanceof ThreadChannel thread ? thread.getParentChannel().getIdLong() : channelId;
    }

    /** Whether the channel is age-restricted, a thread when its parent is (JDA's ThreadChannel has no such flag). */
    public static boolean ageRestricted(GuildChannel channel) {
        GuildChannel owner = channel instanceof ThreadChannel thread ? thread.getParentChannel() : channel;
        return owner instanceof IAgeRestrictedChannel aged && aged.isNSFW();
    }
}
