package dev.sdbot.scheduler;

import java.time.Instant;

/** A submit would go over a daily quota; nothing was queued. The message is fit to show the user. */
public class QuotaExceededException extends Exception {
    private final QuotaStatus status;

    public QuotaExceededException(String message, QuotaStatus status) {
        super(message);
        this.status = status;
    }

    public QuotaStatus status() {
        return status;
    }

    public Instant resetsAt() {
        return status.resetsAt();
    }
}
