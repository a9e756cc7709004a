package dev.sdbot.scheduler;

/** Receives job changes as they happen in any process. Called on the listener thread: return quickly. */
public interface JobEventListener {

    void onStateChange(JobEvent event);

    /** A worker registered (started or restarted) and may take jobs. */
    default void onWorkerRegistered(String workerId) {
    }

    /** A scheduler node that was the dispatcher handed its leader lease over ({@code sdbot_leader}). */
    default void onLeaderReleased() {
    }

    /**
     * The listener (re)connected. Events may have been missed while disconnected, so a listener
     * that keeps state should re-read what it cares about.
     */
    default void onConnected() {
    }
}
