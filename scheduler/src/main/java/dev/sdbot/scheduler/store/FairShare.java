package dev.sdbot.scheduler.store;

/**
 * The dispatch order of queued jobs, in SQL. Each member's jobs are numbered 1, 2, 3... (their
 * round); jobs go out round by round, so nobody waits behind another member's whole backlog.
 * Priority (from roles) moves a job that many rounds ahead, and every aging step waited moves it
 * one round ahead, so nothing starves. Ties go to the oldest.
 * Parameters of RANKED_QUEUE: now (timestamptz), aging step in seconds (double).
 */
public final class FairShare {
    public static final String RANKED_QUEUE = "SELECT id, attempt, model, width::bigint * height * image_count AS pixels,"
            + " created_at, row_number() OVER (PARTITION BY guild_id, user_id ORDER BY priority DESC, created_at, id)"
            + " - priority - floor(extract(epoch FROM (?::timestamptz - created_at)) / ?) AS fair_round"
            + " FROM jobs WHERE state = 'QUEUED'";
    public static final String ORDER_BY = "fair_round, created_at, id";

    private FairShare() {
    }
}
