package dev.sdbot.bot.config;

import dev.sdbot.scheduler.RowRetention;
import dev.sdbot.scheduler.SchedulerSettings;

import java.time.Duration;

/**
 * The job queue's timing and limits ({@code scheduler:} in sdbot.yaml). The lease must outlast the workers'
 * heartbeat; {@link SdbotConfig} checks that, as it sees both.
 */
public record SchedulerConfig(int leaseSeconds, int dispatchIntervalMillis, int maxAttempts, int quarantineAfter,
                              int retentionDays, int maxRunMinutes, RowRetentionConfig rowRetention) {

    /** Days each table's rows are kept ({@code scheduler.rowRetention:} in sdbot.yaml), see {@link RowRetention}. */
    public record RowRetentionConfig(int jobDays, int ledgerDays, int moderationEventDays, int memberTurnDays) {
        RowRetention retention() {
            return new RowRetention(Duration.ofDays(jobDays), Duration.ofDays(ledgerDays), Duration.ofDays(moderationEventDays),
                    Duration.ofDays(memberTurnDays));
        }
    }

    public SchedulerConfig {
        if (rowRetention == null) {
            RowRetention d = RowRetention.defaults();
            rowRetention = new RowRetentionConfig((int) d.jobs().toDays(), (int) d.usageLedger().toDays(),
                    (int) d.moderationEvents().toDays(), (int) d.memberTurns().toDays());
        }
        rowRetention.retention(); // a value under a day fails at start, with its rule
        if (maxRunMinutes < 1) {
            throw new IllegalArgumentException("the maximum run time (SDBOT_MAX_RUN_MINUTES) must be at least 1 minute, got "
                    + maxRunMinutes);
        }
    }

    /** A worker is presumed dead after three missed heartbeats (at least 10 s). */
    public SchedulerSettings settings(Duration heartbeat) {
        return new SchedulerSettings(Duration.ofSeconds(leaseSeconds), Duration.ofMillis(dispatchIntervalMillis), maxAttempts,
                Duration.ofMinutes(maxRunMinutes), Duration.ofSeconds(Math.max(3L * heartbeat.toSeconds(), 10)),
                quarantineAfter, Duration.ofDays(retentionDays), rowRetention.retention());
    }
}
