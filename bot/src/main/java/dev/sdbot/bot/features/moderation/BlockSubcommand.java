package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.db.store.MemberBlockStore;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.time.Duration;
import java.time.Instant;

/**
 * {@code /mod block user:<user> [hours:<1..8760>] [reason:<text>]}: the member may not generate images in this
 * guild (/imagine and the result buttons) until the block expires or a moderator lifts it, within
 * {@link BlockProtection}.
 */
public final class BlockSubcommand implements StaffSubcommand {
    static final int MAX_HOURS = 24 * 365;
    static final int MAX_REASON = 300;

    private final MemberBlockStore blocks;
    private final BlockProtection protection;
    private final AuditTrail audit;

    public BlockSubcommand(MemberBlockStore blocks, StaffAccess access, AuditTrail audit) {
        this.blocks = blocks;
        this.protection = new BlockProtection(access);
        this.audit = audit;
    }

    @Override
    public String group() {
        return null;
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("block", "Stop a member from generating images in this server")
                .addOption(OptionType.USER, "user", "Whom to block", true)
                .addOptions(new OptionData(OptionType.INTEGER, "hours", "For how long (default: until unblocked)")
                                .setRequiredRange(1, MAX_HOURS),
                        new OptionData(OptionType.STRING, "reason", "Shown to the member").setMaxLength(MAX_REASON));
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        User target = event.getOption("user", null, OptionMapping::getAsUser);
        if (target == null) {
            throw new Rejection("⚠️ Name the member to block with the `user` option.");
        }
        Member targetMember = event.getOption("user", null, OptionMapping::getAsMember);
        protection.refuseProtected(event.getMember(), target, targetMember);
        Integer hours = event.getOption("hours", null, OptionMapping::getAsInt);
        if (hours != null && (hours < 1 || hours > MAX_HOURS)) {
            throw new Rejection("⚠️ `hours` must be between 1 and " + MAX_HOURS + " (a year); leave it out to block until unblocked.");
        }
        String reason = event.getOption("reason", "", OptionMapping::getAsString).strip();
        if (reason.length() > MAX_REASON) {
            throw new Rejection("⚠️ The reason is " + reason.length() + " characters; at most " + MAX_REASON + ".");
        }
        if (reason.isEmpty()) {
            reason = "no reason given";
        }
        long guildId = event.getGuild().getIdLong();
        Instant expires = blocks.block(guildId, target.getIdLong(), event.getUser().getIdLong(), reason,
                hours == null ? null : Duration.ofHours(hours)).expiresAt();
        audit.record(guildId, null, target.getIdLong(), event.getUser().getIdLong(), "MEMBER_BLOCKED", reason,
                expires == null ? "{\"expires_at\":null}" : "{\"expires_at\":\"" + expires + "\",\"hours\":" + hours + "}");
        return StaffSubcommand.text("⛔ " + target.getAsMention() + " may not generate images in this server "
                + (expires == null ? "until you unblock them" : BlockTexts.until(expires)) + ". Reason: " + reason);
    }
}
