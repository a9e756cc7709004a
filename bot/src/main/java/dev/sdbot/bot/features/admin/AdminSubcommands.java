package dev.sdbot.bot.features.admin;

import dev.sdbot.bot.discord.AttachmentLimits;
import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.features.imagine.GuildLimits;
import dev.sdbot.bot.features.moderation.AuditTrail;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.db.store.RelaxRuleStore;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.usage.UsageReports;

import java.time.Clock;
import java.util.List;

/** The subcommands of {@code /admin}: usage, export, relax on/off, quota set/list/clear, settings. */
public final class AdminSubcommands {
    private AdminSubcommands() {
    }

    public static List<StaffSubcommand> all(JobService jobs, UsageReports reports, QuotaRuleStore quotaRules,
                                            GuildSettingsStore settings, GuildLimits limits,
                                            AttachmentLimits uploadLimits, AuditTrail audit, RelaxRuleStore relaxRules,
                                            Clock clock) {
        return List.of(new AdminUsage(reports, relaxRules, jobs), new AdminExport(reports, uploadLimits, audit),
                new AdminRelax(relaxRules, audit, true), new AdminRelax(relaxRules, audit, false),
                new AdminQuotaSet(quotaRules, audit, clock), new AdminQuotaList(quotaRules), new AdminQuotaClear(quotaRules, audit),
                new AdminSettings(settings, limits, jobs, audit, clock));
    }
}
