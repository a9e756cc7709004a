package dev.sdbot.scheduler;

import java.util.Set;

/** QUEUED → ASSIGNED → RUNNING → SUCCEEDED → POSTED, plus CANCELLED, FAILED, BLOCKED. */
public enum JobState {
    QUEUED, ASSIGNED, RUNNING, SUCCEEDED, POSTED, CANCELLED, FAILED, BLOCKED;

    public static final Set<JobState> ACTIVE = Set.of(QUEUED, ASSIGNED, RUNNING);

    /** Waiting for or running on a worker. */
    public boolean isActive() {
        return ACTIVE.contains(this);
    }

    /**
     * Nothing will happen to the job any more. SUCCEEDED still waits for the bot to post it, except for CLI jobs
     * (guild 0), which nobody posts: for them it is the end.
     */
    public boolean isFinal() {
        return this == POSTED || this == CANCELLED || this == FAILED || this == BLOCKED;
    }
}
