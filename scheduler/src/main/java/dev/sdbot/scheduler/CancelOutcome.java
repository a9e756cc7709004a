package dev.sdbot.scheduler;

/** What {@link JobService#cancel} did. */
public enum CancelOutcome {
    CANCELLED,
    NOT_FOUND,
    /** Only the requester or a moderator may cancel. */
    NOT_ALLOWED,
    /** It had already finished (succeeded, failed, cancelled...). */
    ALREADY_FINISHED
}
