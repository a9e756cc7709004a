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
    /** A job's round: its place among its member's queued jobs plus their active jobs, less priority and aging. */
    private static final String FAIR_ROUND = "q.member_rank + coalesce(a.active, 0) - q.priority"
            + " - floor(extract(epoch FROM (?::timestamptz - q.created_at)) / ?) AS fair_round";
    private static final String ACTIVE_PER_MEMBER = "(SELECT guild_id, user_id, count(*) AS active FROM jobs"
            + "   WHERE state IN ('ASSIGNED', 'RUNNING') GROUP BY guild_id, user_id) a";

    // The members' rounds are numbered over the queued jobs alone (in the order of jobs_queued_member_idx, so
    // without a sort), and only then joined with the members' active counts.
    /**
     * Pixels a job produces, hires target included: as {@code GenerationRequest.pixels()} (the scaled side rounded
     * down to a multiple of 8).
     */
    static final String OUTPUT_PIXELS = "(CASE WHEN hires_scale IS NULL THEN width::bigint * height"
            + " ELSE (floor(width * hires_scale / 8) * 8)::bigint * (floor(height * hires_scale / 8) * 8)::bigint"
            + " END) * image_count";

    public static final String RANKED_QUEUE = "SELECT q.id, q.attempt, q.model, q.pixels, q.created_at, " + FAIR_ROUND
            + " FROM (SELECT id, attempt, model, " + OUTPUT_PIXELS + " AS pixels, created_at, priority, guild_id, user_id,"
            + "   row_number() OVER (PARTITION BY guild_id, user_id ORDER BY priority DESC, created_at, id) AS member_rank"
            + "   FROM jobs WHERE state = 'QUEUED') q"
            + " LEFT JOIN " + ACTIVE_PER_MEMBER
            + " ON a.guild_id = q.guild_id AND a.user_id = q.user_id";
    public static final String ORDER_BY = "fair_round, created_at, id";

    /**
     * The head of the queue for one dispatch pass, read without touching the whole backlog: the members with
     * queued jobs are found by skipping through jobs_queued_member_idx one member at a time, and only each
     * member's first few jobs that a worker could run are read (a member's later jobs are in later rounds).
     * Parameters: now (timestamptz), aging step in seconds (double), models (text[]), largest pixel budget,
     * jobs per member, jobs in all.
     */
    public static final String DISPATCH_WINDOW = "WITH RECURSIVE members (guild_id, user_id) AS ("
            + "   (SELECT guild_id, user_id FROM jobs WHERE state = 'QUEUED' ORDER BY guild_id, user_id LIMIT 1)"
            + "   UNION ALL"
            + "   SELECT n.guild_id, n.user_id FROM members m CROSS JOIN LATERAL (SELECT guild_id, user_id FROM jobs"
            + "     WHERE state = 'QUEUED' AND (guild_id, user_id) > (m.guild_id, m.user_id) ORDER BY guild_id, user_id LIMIT 1) n)"
            + " SELECT q.id, q.attempt, q.model, q.pixels, q.created_at, " + FAIR_ROUND
            + " FROM members m CROSS JOIN LATERAL (SELECT id, attempt, model, pixels, created_at, priority,"
            + "   row_number() OVER (ORDER BY priority DESC, created_at, id) AS member_rank"
            + "   FROM (SELECT id, attempt, model, " + OUTPUT_PIXELS + " AS pixels, created_at, priority FROM jobs"
            + "     WHERE state = 'QUEUED' AND guild_id = m.guild_id AND user_id = m.user_id"
            + "     ORDER BY priority DESC, created_at, id) member_jobs"
            + "   WHERE model = ANY (?) AND pixels <= ? LIMIT ?) q"
            + " LEFT JOIN " + ACTIVE_PER_MEMBER
            + " ON a.guild_id = m.guild_id AND a.user_id = m.user_id"
            + " ORDER BY " + ORDER_BY + " LIMIT ?";

    private FairShare() {
    }
}
