package dev.sdbot.scheduler;

import java.time.Duration;
import java.util.Map;

/**
 * The jobs not yet done with, per state (QUEUED, ASSIGNED, RUNNING, and SUCCEEDED but not posted; a state with none
 * is absent), and how long the oldest queued job has waited by the database's clock (null when none waits).
 */
public record ActiveJobs(Map<JobState, Long> perState, Duration oldestQueuedWait) {
}
