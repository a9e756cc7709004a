package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.db.store.MemberBlockStore;
import net.dv8tion.jda.api.entities.User;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

/** {@code /mod unblock user:<user>}: lifts the member's block in this guild. */
public final class UnblockSubcommand implements StaffSubcommand {
    private final MemberBlockStore blocks;
    private final AuditTrail audit;

    public UnblockSubcommand(MemberBlockStore blocks, AuditTrail audit) {
        this.blocks = blocks;
        this.audit = audit;
    }

    @Override
    public String group() {
        return null;
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("unblock", "Let a blocked member generate images again")
                .addOption(OptionType.USER, "user", "Whom to unblock", true);
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        User target = event.getOption("user", null, OptionMapping::getAsUser);
        if (target == null) {
            throw new Rejection("⚠️ Name the member to unblock with the `user` option.");
        }
        long guildId = event.getGuild().getIdLong();
        if (!blocks.unblock(guildId, target.getIdLong())) {
            return StaffSubcommand.text(target.getAsMention() + " is not blocked in this server; nothing changed.");
        }
        audit.record(guildId, null, target.getIdLong(), event.getUser().getIdLong(), "MEMBER_UNBLOCKED",
                "unblocked by a moderator", "{}");
        return StaffSubcommand.text("✅ " + target.getAsMention() + " may generate images again.");
    }
}
