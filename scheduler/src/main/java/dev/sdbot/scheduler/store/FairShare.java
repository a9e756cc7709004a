package dev.sdbot.scheduler.store;

/**
 * The dispatch order of queued jobs, in SQL. A member's queued jobs are numbered after the jobs
 * they already have on workers: with 3 running, their next queued job is in round 4. Jobs go out
 * round by round, so nobody waits behind another member's whole backlog, across passes too.
 * Priority (from roles) moves a job that many rounds ahead, and every aging step waited moves it
 * one round ahead, so nothing starves. Ties go to the oldest.
 * Parameters of RANKED_QUEUE: now (timestamptz), aging step in seconds (double).
 */
public final class FairShare {
    public static final String RANKED_QUEUE = "SELECT q.id, q.attempt, q.model, q.width::bigint * q.height * q.image_count AS pixels,"
            + " q.created_at, row_number() OVER (PARTITION BY q.guild_id, q.user_id ORDER BY q.priority DESC, q.created_at, q.id)"
            + " + coalesce(a.active, 0) - q.priority - floor(extract(epoch FROM (?::timestamptz - q.created_at)) / ?) AS fair_round"
            + " FROM jobs q LEFT JOIN (SELECT guild_id, user_id, count(*) AS active FROM jobs"
            + "   WHERE state IN ('ASSIGNED', 'RUNNING') GROUP BY guild_id, user_id) a"
            + " ON a.guild_id = q.guild_id AND a.user_id = q.user_id"
            + " WHERE q.state = 'QUEUED'";
    public static final String ORDER_BY = "fair_round, created_at, id";

    private FairShare() {
    }
}
