package dev.sdbot.scheduler;

/**
 * A job changed state (from the {@code sdbot_job_events} channel, payload "id:STATE[:worker]").
 *
 * @param workerId the worker it is assigned to, or null
 */
public record JobEvent(long jobId, JobState state, String workerId) {

    static JobEvent parse(String payload) {
        String[] parts = payload.split(":", 3);
        return new JobEvent(Long.parseLong(parts[0]), JobState.valueOf(parts[1]), parts.length > 2 ? parts[2] : null);
    }
}
