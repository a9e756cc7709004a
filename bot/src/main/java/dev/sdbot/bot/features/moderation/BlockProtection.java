package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.bot.discord.StaffRole;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.requests.ErrorResponse;

/**
 * Who may not be blocked from generating, and by whom: the one rule of every way to block (/mod block and the
 * mod log's "Block user" button). Nobody blocks themselves, a bot or an admin (or the owner), and only admins
 * block moderators.
 */
public final class BlockProtection {
    private final StaffAccess access;

    public BlockProtection(StaffAccess access) {
        this.access = access;
    }

    /** @throws Rejection saying why {@code moderator} may not block {@code targetId} in {@code guild} */
    public void refuseProtected(Guild guild, Member moderator, long targetId) {
        Member target = guild.getMemberById(targetId);
        if (target == null) {
            try {
                target = guild.retrieveMemberById(targetId).complete();
            } catch (ErrorResponseException e) {
                if (e.getErrorResponse() != ErrorResponse.UNKNOWN_MEMBER && e.getErrorResponse() != ErrorResponse.UNKNOWN_USER) {
                    throw e; // cannot tell whether they are staff: fail closed
                }
                if (targetId == moderator.getIdLong()) {
                    throw new Rejection("⚠️ You can't block yourself.");
                }
                return; // not in this guild: no staff powers here
            }
        }
        refuseProtected(moderator, target.getUser(), target);
    }

    /**
     * @param targetMember the target as a member of the moderator's guild, or null if they are not one
     * @throws Rejection saying why {@code moderator} may not block {@code target}
     */
    public void refuseProtected(Member moderator, User target, Member targetMember) {
        if (target.getIdLong() == moderator.getIdLong()) {
            throw new Rejection("⚠️ You can't block yourself.");
        }
        if (target.isBot() || target.isSystem()) {
            throw new Rejection("⚠️ " + target.getAsMention() + " is a bot; only members can be blocked.");
        }
        if (targetMember == null) {
            return; // not in this guild: no staff powers here
        }
        if (access.allows(targetMember, StaffRole.ADMIN) || targetMember.isOwner()) {
            throw new Rejection("⚠️ " + target.getAsMention() + " is an admin of this server and can't be blocked.");
        }
        if (access.allows(targetMember, StaffRole.MODERATOR) && !access.allows(moderator, StaffRole.ADMIN)) {
            throw new Rejection("⚠️ " + target.getAsMention() + " is a moderator; only an admin can block a moderator.");
        }
    }
}
