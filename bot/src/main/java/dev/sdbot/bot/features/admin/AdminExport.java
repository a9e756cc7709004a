package dev.sdbot.bot.features.admin;

import dev.sdbot.bot.discord.AttachmentLimits;
import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.features.moderation.AuditTrail;
import dev.sdbot.scheduler.usage.LedgerEntry;
import dev.sdbot.scheduler.usage.UsageReports;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;
import net.dv8tion.jda.api.utils.messages.MessageEditData;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** {@code /admin export [days]}: this guild's usage ledger as a CSV attachment. Audited (usage data leaves the bot). */
public final class AdminExport implements StaffSubcommand {
    static final String[] COLUMNS = {"recorded_at", "usage_day", "job_id", "attempt", "user_id", "worker_id", "model",
            "outcome", "images", "gpu_ms"};

    private final UsageReports reports;
    private final AttachmentLimits uploadLimits;
    private final AuditTrail audit;

    public AdminExport(UsageReports reports, AttachmentLimits uploadLimits, AuditTrail audit) {
        this.reports = reports;
        this.uploadLimits = uploadLimits;
        this.audit = audit;
    }

    @Override
    public String group() {
        return null;
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("export", "This server's usage ledger as a CSV file")
                .addOptions(AdminOptions.days("Days to export, including today (default " + AdminUsage.DEFAULT_DAYS + ")"));
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        long guildId = event.getGuild().getIdLong();
        int days = AdminOptions.days(event, AdminUsage.DEFAULT_DAYS);
        List<LedgerEntry> entries = reports.ledger(guildId, days);
        byte[] csv = csv(entries);
        long limit = uploadLimits.forGuild(guildId);
        if (csv.length > limit) {
            throw new Rejection("⚠️ The ledger of " + days + " days is " + csv.length / 1024 + " KiB, over this server's upload"
                    + " limit of " + limit / 1024 + " KiB; export fewer days.");
        }
        audit.record(guildId, null, event.getUser().getIdLong(), event.getUser().getIdLong(), "USAGE_EXPORTED",
                "usage ledger of " + days + " day(s) exported", AuditDetails.of(Map.of("days", days, "rows", entries.size())));
        return new MessageEditBuilder()
                .setContent("📄 Usage ledger of the last " + days + " day(s) (UTC): " + entries.size() + " row(s), one per attempt.")
                .setFiles(FileUpload.fromData(csv, "usage-ledger-" + days + "d.csv")).build();
    }

    static byte[] csv(List<LedgerEntry> entries) {
        StringWriter out = new StringWriter();
        try (CSVPrinter printer = CSVFormat.Builder.create(CSVFormat.RFC4180).setHeader(COLUMNS).get().print(out)) {
            for (LedgerEntry e : entries) {
                printer.printRecord(e.recordedAt(), e.usageDay(), e.jobId(), e.attempt(), e.userId(), e.workerId(),
                        e.model(), e.outcome(), e.images(), e.gpuMillis());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString().getBytes(StandardCharsets.UTF_8);
    }
}
