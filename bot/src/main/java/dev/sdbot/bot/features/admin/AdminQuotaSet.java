package dev.sdbot.bot.features.admin;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.features.moderation.AuditTrail;
import dev.sdbot.db.entity.QuotaRule;
import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.QuotaRuleStore;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code /admin quota set [user|role] [images_per_day] [gpu_seconds_per_day] [concurrent]}: sets limits of the
 * guild default, a role or a member. Limits not given keep the rule's current value; {@code /admin quota clear}
 * removes the rule. Applies from the member's next submit.
 */
public final class AdminQuotaSet implements StaffSubcommand {
    private final QuotaRuleStore rules;
    private final AuditTrail audit;
    private final Clock clock;

    public AdminQuotaSet(QuotaRuleStore rules, AuditTrail audit, Clock clock) {
        this.rules = rules;
        this.audit = audit;
        this.clock = clock;
    }

    @Override
    public String group() {
        return "quota";
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("set", "Set the limits of the server default, a role or a member")
                .addOptions(QuotaTarget.options("Limits"))
                .addOptions(new OptionData(OptionType.INTEGER, "images_per_day", "Images per UTC day").setMinValue(0),
                        new OptionData(OptionType.INTEGER, "gpu_seconds_per_day", "GPU-seconds per UTC day (queued work counts)")
                                .setMinValue(0),
                        new OptionData(OptionType.INTEGER, "concurrent", "Jobs queued or running at once").setMinValue(1));
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        long guildId = event.getGuild().getIdLong();
        QuotaTarget target = QuotaTarget.of(event);
        Integer images = AdminOptions.integer(event, "images_per_day", 0, Integer.MAX_VALUE);
        Integer gpuSeconds = AdminOptions.integer(event, "gpu_seconds_per_day", 0, Integer.MAX_VALUE);
        Integer concurrent = AdminOptions.integer(event, "concurrent", 1, Integer.MAX_VALUE);
        if (images == null && gpuSeconds == null && concurrent == null) {
            throw new Rejection("⚠️ Give at least one limit: `images_per_day`, `gpu_seconds_per_day` or `concurrent`"
                    + " (`/admin quota list` shows the rules). Nothing was changed.");
        }
        QuotaRule rule = rules.merge(guildId, target.scope(), target.subjectId(), images, gpuSeconds, concurrent,
                clock.instant());
        long actor = event.getUser().getIdLong();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("scope", rule.getScope().name());
        details.put("subject_id", rule.getSubjectId());
        details.put("images_per_day", rule.getImagesPerDay());
        details.put("gpu_seconds_per_day", rule.getGpuSecondsPerDay());
        details.put("concurrent_jobs", rule.getConcurrentJobs());
        audit.record(guildId, null, target.scope() == QuotaScope.USER ? target.subjectId() : actor,
                actor, "QUOTA_SET", "quota of " + target.describe() + " set", AuditDetails.of(details));
        return StaffSubcommand.text("✅ Quota of " + target.describe() + ": " + AdminQuotaList.limits(rule)
                + ". It applies from the next submit.");
    }
}
