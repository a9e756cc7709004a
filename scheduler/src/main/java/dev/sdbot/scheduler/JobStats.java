package dev.sdbot.scheduler;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Counts per state, queue depth and per-worker throughput, for operators. */
public record JobStats(Map<JobState, Long> countsByState, long queueDepth, List<WorkerStats> workers) {

    /**
     * @param jobsLastMinute  jobs this worker finished in the last minute
     * @param live            not stopped, and a heartbeat within the worker timeout (database clock)
     * @param modelFamilies   model name → family id ("sd1", "sd2", "sdxl"), as the worker announced them
     * @param uncheckedModels models whose images no safety checker sees on this worker
     */
    public record WorkerStats(String id, String host, int slots, int busy, long succeeded, long failed,
                              long jobsLastMinute, Instant heartbeatAt, boolean live, String quarantineReason,
                              List<String> models, Map<String, String> modelFamilies, List<String> uncheckedModels) {
    }
}
