package dev.sdbot.bot.discord;

import dev.sdbot.db.store.GuildSettingsStore;
import net.dv8tion.jda.api.Permission;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;

import java.time.Clock;

/**
 * The server-side permission check of every staff interaction: Discord's client-side gate
 * (default member permissions) can be changed by a guild and is not security. Fails closed: no member,
 * or settings that cannot be read, means no access.
 */
public final class StaffAccess {
    private final GuildSettingsStore guildSettings;
    private final Clock clock;

    public StaffAccess(GuildSettingsStore guildSettings, Clock clock) {
        this.guildSettings = guildSettings;
        this.clock = clock;
    }

    /**
     * Whether the member moderates this channel: Manage Messages there (a channel override counts), or the guild's
     * moderator role, or Manage Server. Requesters' jobs and result messages in the channel are theirs to manage.
     */
    public boolean moderates(Member member, GuildChannel channel) {
        return member != null && (member.hasPermission(channel, Permission.MESSAGE_MANAGE) || allows(member, StaffRole.MODERATOR));
    }

    /** Whether the member holds the role in their own guild. */
    public boolean allows(Member member, StaffRole role) {
        if (member == null) {
            return false;
        }
        if (member.hasPermission(Permission.MANAGE_SERVER)) {
            return true;
        }
        if (role == StaffRole.ADMIN) {
            return false;
        }
        if (member.hasPermission(Permission.MESSAGE_MANAGE)) {
            return true;
        }
        Long moderatorRole = guildSettings.get(member.getGuild().getIdLong(), clock.instant()).getModeratorRoleId();
        return moderatorRole != null && member.getRoles().stream().anyMatch(r -> r.getIdLong() == moderatorRole);
    }
}
