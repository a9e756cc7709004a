package dev.sdbot.scheduler;

import dev.sdbot.inference.api.GenerationRequest;

import java.time.Instant;

/**
 * A read-only snapshot of a job row, without image bytes: {@link #request()} carries no init image or mask, and its
 * ControlNet units' control images are empty ({@link #inputs()} says which there are; {@link JobService#requestWithImages} reads them), result images come from
 * {@link JobService#results(long)} and the step preview from {@link JobService#preview}.
 */
public record JobView(
        long id,
        JobState state,
        GenerationRequest request,
        JobOrigin origin,
        int priority,
        int attempt,
        int maxAttempts,
        String workerId,
        int progressStep,
        int progressTotal,
        JobInputs inputs,
        String error,
        Long postedMessageId,
        Instant createdAt,
        Instant assignedAt,
        Instant startedAt,
        Instant finishedAt,
        Instant postedAt,
        Instant updatedAt) {

    /** Queued in relax mode: its member was over a daily quota, it runs when nothing else waits. */
    public boolean relaxed() {
        return priority == JobSubmission.RELAX_PRIORITY;
    }
}
