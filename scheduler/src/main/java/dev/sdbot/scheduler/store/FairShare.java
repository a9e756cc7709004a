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
    // The members' rounds are numbered over the queued jobs alone (in the order of jobs_queued_member_idx, so
    // without a sort), and only then joined with the members' active counts.
    public static final String RANKED_QUEUE = "SELECT q.id, q.attempt, q.model, q.pixels, q.created_at,"
            + " q.member_rank + coalesce(a.active, 0) - q.priority - floor(extract(epoch FROM (?::timestamptz - q.created_at)) / ?) AS fair_round"
            + " FROM (SELECT id, attempt, model, width::bigint * height * image_count AS pixels, created_at, priority, guild_id, user_id,"
            + "   row_number() OVER (PARTITION BY guild_id, user_id ORDER BY priority DESC, created_at, id) AS member_rank"
            + "   FROM jobs WHERE state = 'QUEUED') q"
            + " LEFT JOIN (SELECT guild_id, user_id, count(*) AS active FROM jobs"
            + "   WHERE state IN ('ASSIGNED', 'RUNNING') GROUP BY guild_id, user_id) a"
            + " ON a.guild_id = q.guild_id AND a.user_id = q.user_id";
    public static final String ORDER_BY = "fair_round, created_at, id";

    private FairShare() {
    }
}
