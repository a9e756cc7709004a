package dev.sdbot.bot.features.admin;

import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.features.moderation.AuditTrail;
import dev.sdbot.db.store.RelaxRuleStore;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code /admin relax on [role]} and {@code /admin relax off [role]}: relax mode for the whole server (no role) or the
 * members with a role. A member it covers who is over a daily quota (images or GPU-seconds) is not refused: the job
 * is queued at the lowest priority and runs only when no other job waits. The jobs-at-once limit still applies.
 */
public final class AdminRelax implements StaffSubcommand {
    private final RelaxRuleStore rules;
    private final AuditTrail audit;
    private final boolean on;

    public AdminRelax(RelaxRuleStore rules, AuditTrail audit, boolean on) {
        this.rules = rules;
        this.audit = audit;
        this.on = on;
    }

    @Override
    public String group() {
        return "relax";
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData(on ? "on" : "off", on
                ? "Let over-quota members keep generating at the lowest priority (server, or one role)"
                : "Refuse over-quota members again (server, or one role)")
                .addOption(OptionType.ROLE, "role", "Only members with this role (none = the whole server)");
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        long guildId = event.getGuild().getIdLong();
        long role = event.getOption("role", RelaxRuleStore.EVERYONE, o -> o.getAsRole().getIdLong());
        String whom = role == RelaxRuleStore.EVERYONE ? "the whole server" : "role <@&" + role + ">";
        long actor = event.getUser().getIdLong();
        boolean changed = on ? rules.enable(guildId, role, actor) : rules.disable(guildId, role);
        if (changed) {
            audit.record(guildId, null, actor, actor, on ? "RELAX_ON" : "RELAX_OFF",
                    "relax mode " + (on ? "on" : "off") + " for " + whom, AuditDetails.of(Map.of("role_id", role)));
        }
        String result = changed ? "✅ Relax mode is " + (on ? "on" : "off") + " for " + whom + "."
                : "ℹ️ Relax mode was already " + (on ? "on" : "off") + " for " + whom + "; nothing was changed.";
        return StaffSubcommand.text(result + "\n" + describe(rules.roles(guildId)));
    }

    /** One line on where relax mode is on, for this command and {@code /admin usage}. */
    static String describe(List<Long> roles) {
        if (roles.isEmpty()) {
            return "**Relax mode:** off (members over a daily quota are refused)";
        }
        String whom = roles.stream().map(r -> r == RelaxRuleStore.EVERYONE ? "everyone" : "<@&" + r + ">")
                .collect(Collectors.joining(", "));
        return "**Relax mode:** on for " + whom + " (over a daily quota, jobs wait at the lowest priority)";
    }
}
