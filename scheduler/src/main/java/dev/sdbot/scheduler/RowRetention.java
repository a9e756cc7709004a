package dev.sdbot.scheduler;

import java.time.Duration;

/**
 * How long rows are kept (the daily row-retention job deletes older ones).
 *
 * @param jobs             finished jobs (prompt, origin, results) this long after they finished; their interaction
 *                         token is cleared after {@link #TOKEN_SCRUB}
 * @param usageLedger      ledger rows by usage day; older ones are rolled up per guild, day, member, model and worker
 *                         first, so usage reports stay complete
 * @param moderationEvents the moderation audit trail
 * @param memberTurns      the dispatcher's "last served" time of each member (a member away longer counts as never
 *                         served, which is where they rank anyway)
 */
public record RowRetention(Duration jobs, Duration usageLedger, Duration moderationEvents, Duration memberTurns) {
    /** Interaction tokens work for 15 minutes; a day later nothing needs them. */
    public static final Duration TOKEN_SCRUB = Duration.ofDays(1);

    public RowRetention {
        for (Duration d : new Duration[]{jobs, usageLedger, moderationEvents, memberTurns}) {
            if (d == null || d.compareTo(Duration.ofDays(1)) < 0) {
                throw new IllegalArgumentException("row retention must be at least 1 day, got " + d);
            }
        }
    }

    public static RowRetention defaults() {
        return new RowRetention(Duration.ofDays(90), Duration.ofDays(90), Duration.ofDays(365), Duration.ofDays(30));
    }
}
