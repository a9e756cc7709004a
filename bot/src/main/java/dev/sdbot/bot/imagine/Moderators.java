package dev.sdbot.bot.imagine;

import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;

/** Who counts as a moderator: members who may manage messages in the channel. */
public final class Moderators {
    private Moderators() {
    }

    public static boolean isModerator(Member member, GuildChannel channel) {
        return member != null && member.hasPermission(channel, Permission.MESSAGE_MANAGE);
    }
}
