package dev.sdbot.scheduler.worker;

import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.scheduler.store.AttemptStore;
import dev.sdbot.scheduler.store.ClaimedJob;
import dev.sdbot.scheduler.store.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The generator's view of one running job: writes progress (at most every
 * {@link #PROGRESS_INTERVAL}, fenced by attempt) and tells the generator to stop when the job was
 * cancelled or the attempt is no longer this worker's.
 */
final class JobExecution implements ProgressListener {
    private static final Logger log = LoggerFactory.getLogger(JobExecution.class);
    /** At most one progress write (and preview) per second per job: each is a row update and, with a preview, a PNG. */
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private final ClaimedJob job;
    private final AttemptStore attempts;
    private final Clock clock;
    private volatile boolean cancelled;
    private volatile boolean released;
    private Instant lastWrite;

    JobExecution(ClaimedJob job, AttemptStore attempts, Clock clock) {
        this.job = job;
        this.attempts = attempts;
        this.clock = clock;
    }

    ClaimedJob job() {
        return job;
    }

    void cancel() {
        cancelled = true;
    }

    /** Stops the generator because the worker is shutting down: the job goes back to the queue, not to CANCELLED. */
    void release() {
        released = true;
        cancelled = true;
    }

    boolean released() {
        return released;
    }

    @Override
    public void onProgress(Progress progress) {
        Instant now = clock.instant();
        if (!due(progress.step(), progress.totalSteps(), now)) {
            return;
        }
        lastWrite = now;
        try {
            if (!attempts.progress(job, progress.step(), progress.totalSteps(), progress.previewPng())) {
                log.info("Job {} attempt {} is no longer ours (cancelled or lease lost); stopping", job.id(), job.attempt());
                cancelled = true;
            }
        } catch (DataAccessException e) {
            log.warn("Could not record progress of job {}: {}", job.id(), e.getMessage());
        }
    }

    @Override
    public boolean isCancelled() {
        return cancelled;
    }

    /** A preview only for a report that will be written: none within the interval, none for the last step. */
    @Override
    public boolean wantsPreview(int step, int totalSteps) {
        return due(step, totalSteps, clock.instant());
    }

    /** Whether the report of {@code step} is written: the final step is written together with the result. */
    private boolean due(int step, int totalSteps, Instant now) {
        return step < totalSteps
                && (lastWrite == null || Duration.between(lastWrite, now).compareTo(PROGRESS_INTERVAL) >= 0);
    }
}
