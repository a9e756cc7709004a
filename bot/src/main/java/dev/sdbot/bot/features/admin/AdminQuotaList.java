package dev.sdbot.bot.features.admin;

import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.db.entity.QuotaRule;
import dev.sdbot.db.store.QuotaRuleStore;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.util.List;

/** {@code /admin quota list}: the guild's quota rules. */
public final class AdminQuotaList implements StaffSubcommand {
    private final QuotaRuleStore rules;

    public AdminQuotaList(QuotaRuleStore rules) {
        this.rules = rules;
    }

    @Override
    public String group() {
        return "quota";
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("list", "The quota rules of this server");
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        List<QuotaRule> all = rules.ofGuild(event.getGuild().getIdLong());
        if (all.isEmpty()) {
            return StaffSubcommand.text("No quota rules: every member is unlimited. Set one with `/admin quota set`.");
        }
        StringBuilder text = new StringBuilder("**Quota rules** (a member's own rule beats their roles', the most"
                + " generous role beats the server default; days are UTC)\n");
        for (QuotaRule rule : all) {
            text.append("• ").append(QuotaTarget.describe(rule.getScope(), rule.getSubjectId())).append(": ")
                    .append(limits(rule)).append('\n');
        }
        return StaffSubcommand.text(text.toString().strip());
    }

    static String limits(QuotaRule rule) {
        return limit(rule.getImagesPerDay(), "images/day") + ", " + limit(rule.getGpuSecondsPerDay(), "GPU-seconds/day")
                + ", " + limit(rule.getConcurrentJobs(), "jobs at once");
    }

    private static String limit(Integer value, String unit) {
        return (value == null ? "unlimited" : value.toString()) + " " + unit;
    }
}
