package dev.sdbot.bot.features.admin;

import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.scheduler.usage.UsageReport;
import dev.sdbot.db.store.RelaxRuleStore;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.usage.UsageReports;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code /admin usage [user] [days]}: images and GPU time of this guild (or one member) today, in the last 7 days
 * and in the window, top members, per model and per worker, the queue now and wait times, relax mode, with a chart.
 */
public final class AdminUsage implements StaffSubcommand {
    static final int DEFAULT_DAYS = 30;

    private final UsageReports reports;
    private final RelaxRuleStore relaxRules;
    private final JobService jobs;

    public AdminUsage(UsageReports reports, RelaxRuleStore relaxRules, JobService jobs) {
        this.reports = reports;
        this.relaxRules = relaxRules;
        this.jobs = jobs;
    }

    @Override
    public String group() {
        return null;
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("usage", "Images and GPU time of this server (or one member), with a chart")
                .addOption(OptionType.USER, "user", "Only this member")
                .addOptions(AdminOptions.days("Days to report, including today (default " + DEFAULT_DAYS + ")"));
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        int days = AdminOptions.days(event, DEFAULT_DAYS);
        Long userId = event.getOption("user", null, o -> o.getAsUser().getIdLong());
        long guildId = event.getGuild().getIdLong();
        UsageReport report = reports.report(guildId, userId, days);
        String text = describe(report) + "\n" + AdminRelax.describe(relaxRules.roles(guildId)) + " · "
                + jobs.relaxedWaiting(guildId) + " relaxed job(s) waiting";
        if (text.length() > Message.MAX_CONTENT_LENGTH) { // long model or worker names
            text = text.substring(0, Message.MAX_CONTENT_LENGTH - 1) + "…";
        }
        return new MessageEditBuilder().setContent(text)
                .setFiles(FileUpload.fromData(UsageChart.png(report), "usage.png")).build();
    }

    static String describe(UsageReport r) {
        StringBuilder text = new StringBuilder("**Usage of ").append(r.userId() == null ? "this server" : "<@" + r.userId() + ">")
                .append("** (UTC days)\n");
        text.append("• Today: ").append(totals(r.todayTotals())).append('\n');
        text.append("• Last 7 days: ").append(totals(r.weekTotals())).append('\n');
        text.append("• Last ").append(r.days()).append(" days: ").append(totals(r.windowTotals())).append('\n');
        if (r.userId() == null) {
            text.append("**Top members:** ").append(list(r.topMembers().stream()
                    .map(m -> "<@" + m.userId() + "> " + share(m.images(), m.gpuMillis())).toList())).append('\n');
        }
        text.append("**Per model:** ").append(list(r.perModel().stream()
                .map(s -> "`" + s.name() + "` " + share(s.images(), s.gpuMillis())).toList())).append('\n');
        text.append("**Per worker:** ").append(list(r.perWorker().stream()
                .map(s -> "`" + s.name() + "` " + share(s.images(), s.gpuMillis())).toList())).append('\n');
        UsageReport.Queue q = r.queue();
        text.append("**Queue now:** ").append(q.queued()).append(" queued, ").append(q.running()).append(" running");
        text.append(q.waitSamples() == 0 ? " · no job waited for a worker in the window"
                : " · wait for a worker: median " + duration(q.medianWait()) + ", p90 " + duration(q.p90Wait())
                + " (" + q.waitSamples() + " jobs)");
        return text.toString();
    }

    private static String totals(UsageReport.Totals t) {
        return t.images() + " image(s), " + gpuSeconds(t.gpuMillis()) + " GPU-s in " + t.attempts() + " attempt(s)";
    }

    private static String share(long images, long gpuMillis) {
        return images + " img / " + gpuSeconds(gpuMillis) + " GPU-s";
    }

    private static String list(List<String> items) {
        return items.isEmpty() ? "none" : items.stream().collect(Collectors.joining(" · "));
    }

    static String gpuSeconds(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    private static String duration(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
