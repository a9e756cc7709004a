package dev.sdbot.scheduler;

import java.time.Duration;

/**
 * Tuning of the job system, shared by scheduler nodes, workers and the job service.
 *
 * @param lease              how long an assignment stays valid without a heartbeat renewing it
 * @param dispatchInterval   period of the Quartz fallback dispatch/maintenance trigger
 * @param maxAttempts        attempts before a job is FAILED
 * @param maxRunTime         a job running longer than this is taken back from its worker (a hung generator
 *                           keeps heartbeating, so the lease alone never ends it)
 * @param workerTimeout      a worker without heartbeat for this long gets no new jobs
 * @param quarantineAfter    consecutive failures after which a worker is quarantined
 * @param resultRetention    result images older than this are purged
 * @param rowRetention       how long job rows, the usage ledger, moderation events and member turns are kept
 */
public record SchedulerSettings(Duration lease, Duration dispatchInterval, int maxAttempts, Duration maxRunTime,
                                Duration workerTimeout, int quarantineAfter, Duration resultRetention,
                                RowRetention rowRetention) {

    /** With the default {@link RowRetention}. */
    public SchedulerSettings(Duration lease, Duration dispatchInterval, int maxAttempts, Duration maxRunTime,
                             Duration workerTimeout, int quarantineAfter, Duration resultRetention) {
        this(lease, dispatchInterval, maxAttempts, maxRunTime, workerTimeout, quarantineAfter, resultRetention,
                RowRetention.defaults());
    }

    public SchedulerSettings {
        requirePositive(lease, "lease");
        requirePositive(dispatchInterval, "dispatch interval");
        requirePositive(maxRunTime, "maximum run time");
        requirePositive(workerTimeout, "worker timeout");
        requirePositive(resultRetention, "result retention");
        java.util.Objects.requireNonNull(rowRetention, "row retention");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("max attempts must be at least 1, got " + maxAttempts);
        }
        if (quarantineAfter < 1) {
            throw new IllegalArgumentException("quarantine threshold must be at least 1, got " + quarantineAfter);
        }
    }

    public static SchedulerSettings defaults() {
        return new SchedulerSettings(Duration.ofSeconds(60), Duration.ofSeconds(2), 3, Duration.ofMinutes(60),
                Duration.ofSeconds(30), 5, Duration.ofDays(7));
    }

    public SchedulerSettings withLease(Duration value) {
        return new SchedulerSettings(value, dispatchInterval, maxAttempts, maxRunTime, workerTimeout, quarantineAfter, resultRetention, rowRetention);
    }

    public SchedulerSettings withDispatchInterval(Duration value) {
        return new SchedulerSettings(lease, value, maxAttempts, maxRunTime, workerTimeout, quarantineAfter, resultRetention, rowRetention);
    }

    public SchedulerSettings withMaxAttempts(int value) {
        return new SchedulerSettings(lease, dispatchInterval, value, maxRunTime, workerTimeout, quarantineAfter, resultRetention, rowRetention);
    }

    public SchedulerSettings withWorkerTimeout(Duration value) {
        return new SchedulerSettings(lease, dispatchInterval, maxAttempts, maxRunTime, value, quarantineAfter, resultRetention, rowRetention);
    }

    public SchedulerSettings withQuarantineAfter(int value) {
        return new SchedulerSettings(lease, dispatchInterval, maxAttempts, maxRunTime, workerTimeout, value, resultRetention, rowRetention);
    }

    public SchedulerSettings withMaxRunTime(Duration value) {
        return new SchedulerSettings(lease, dispatchInterval, maxAttempts, value, workerTimeout, quarantineAfter, resultRetention, rowRetention);
    }

    public SchedulerSettings withResultRetention(Duration value) {
        return new SchedulerSettings(lease, dispatchInterval, maxAttempts, maxRunTime, workerTimeout, quarantineAfter,
                value, rowRetention);
    }

    public SchedulerSettings withRowRetention(RowRetention value) {
        return new SchedulerSettings(lease, dispatchInterval, maxAttempts, maxRunTime, workerTimeout, quarantineAfter,
                resultRetention, value);
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isZero() || d.isNegative()) {
            throw new IllegalArgumentException(what + " must be positive, got " + d);
        }
    }
}
