package dev.sdbot.bot.discord;

import net.dv8tion.jda.api.Permission;

/** Who may use a staff command: moderators ({@code /mod}) or admins ({@code /admin}). */
public enum StaffRole {
    /** Manage Messages in the guild, or the guild's configured moderator role (admins count too). */
    MODERATOR(Permission.MESSAGE_MANAGE, "Manage Messages (or the server's moderator role)"),
    /** Manage Server. */
    ADMIN(Permission.MANAGE_SERVER, "Manage Server");

    private final Permission permission;
    private final String requirement;

    StaffRole(Permission permission, String requirement) {
        this.permission = permission;
        this.requirement = requirement;
    }

    /** The permission Discord uses to hide the command from other members (client side only). */
    public Permission permission() {
        return permission;
    }

    /** What a member needs, in words. */
    public String requirement() {
        return requirement;
    }
}
