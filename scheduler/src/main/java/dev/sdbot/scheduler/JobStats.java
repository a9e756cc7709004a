package dev.sdbot.scheduler;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Counts per state, queue depth and per-worker throughput, for operators. */
public record JobStats(Map<JobState, Long> countsByState, long queueDepth, List<WorkerStats> workers) {

    /**
     * @param jobsLastMinute jobs this worker finished in the last minute
     */
    public record WorkerStats(String id, String host, int slots, int busy, long succeeded, long failed,
                              long jobsLastMinute, Instant heartbeatAt, boolean live, String quarantineReason) {
    }
}
