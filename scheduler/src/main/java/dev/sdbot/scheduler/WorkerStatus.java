package dev.sdbot.scheduler;

/**
 * Whether a registered worker may take jobs now: not stopped, not quarantined, and a heartbeat within the worker
 * timeout by the database's clock. Cheap to read (readiness probes ask often), unlike {@link JobStats.WorkerStats}.
 */
public record WorkerStatus(String id, boolean stopped, String quarantineReason, boolean recentHeartbeat) {
}
