package dev.sdbot.bot.features.admin;

import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.features.moderation.AuditTrail;
import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.QuotaRuleStore;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.util.Map;

/** {@code /admin quota clear [user|role]}: removes the rule of the guild default, a role or a member. */
public final class AdminQuotaClear implements StaffSubcommand {
    private final QuotaRuleStore rules;
    private final AuditTrail audit;

    public AdminQuotaClear(QuotaRuleStore rules, AuditTrail audit) {
        this.rules = rules;
        this.audit = audit;
    }

    @Override
    public String group() {
        return "quota";
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("clear", "Remove the quota rule of the server default, a role or a member")
                .addOptions(QuotaTarget.options("The rule"));
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        long guildId = event.getGuild().getIdLong();
        QuotaTarget target = QuotaTarget.of(event);
        if (!rules.remove(guildId, target.scope(), target.subjectId())) {
            return StaffSubcommand.text("There is no quota rule for " + target.describe() + "; nothing was changed.");
        }
        long actor = event.getUser().getIdLong();
        audit.record(guildId, null, target.scope() == QuotaScope.USER ? target.subjectId() : actor, actor, "QUOTA_CLEARED",
                "quota of " + target.describe() + " removed",
                AuditDetails.of(Map.of("scope", target.scope().name(), "subject_id", target.subjectId())));
        return StaffSubcommand.text("✅ Removed the quota rule of " + target.describe() + ". It applies from the next submit.");
    }
}
