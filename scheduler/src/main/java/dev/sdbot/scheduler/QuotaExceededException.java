package dev.sdbot.scheduler;

import java.time.Instant;
import java.util.Optional;

/** A submit would go over a quota; nothing was queued. The message is fit to show the user. */
public class QuotaExceededException extends Exception {
    private final QuotaStatus status;
    private final boolean daily;

    /** Over a daily limit: it lifts at {@link QuotaStatus#resetsAt()}. */
    public QuotaExceededException(String message, QuotaStatus status) {
        this(message, status, true);
    }

    /** @param daily false for a limit that lifts when work finishes (jobs at once), not at the daily reset */
    public QuotaExceededException(String message, QuotaStatus status, boolean daily) {
        super(message);
        this.status = status;
        this.daily = daily;
    }

    public QuotaStatus status() {
        return status;
    }

    /** When the exceeded limit lifts; empty when it is not a daily one. */
    public Optional<Instant> resetsAt() {
        return daily ? Optional.of(status.resetsAt()) : Optional.empty();
    }
}
