package dev.sdbot.scheduler.usage;

import java.time.Instant;
import java.time.LocalDate;

/** One row of the usage ledger (one finished attempt), with the model of its job. */
public record LedgerEntry(Instant recordedAt, LocalDate usageDay, long jobId, int attempt, long userId, String workerId,
                          String model, String outcome, int images, long gpuMillis) {
}
