package dev.sdbot.scheduler.store;

/**
 * The dispatch order of queued jobs, in SQL. A member's queued jobs are numbered after the jobs
 * they already have on workers: with 3 running, their next queued job is in round 4. Jobs go out
 * round by round, so nobody waits behind another member's whole backlog, across passes too, however
 * old that backlog is: a member's first job is in round 1 (or later, by their running jobs) and goes
 * out with the first jobs of every other member. Within a round the member served longest ago goes
 * first (member_turns), then the oldest job: aging that moved every waiting job ahead alike turned the
 * rounds into first-come-first-served within minutes. Nothing starves: every round serves each waiting
 * member once. Priority (operator-set) moves a job that many rounds ahead.
 */
public final class FairShare {
    /** A job's round: its place among its member's queued jobs plus their active jobs, less its priority. */
    private static final String FAIR_ROUND = "q.member_rank + coalesce(a.active, 0) - q.priority AS fair_round";
    /** When the member last had a job assigned (null: never), read by primary key for each row of the window. */
    private static final String MEMBER_TURN = "(SELECT t.last_assigned_at FROM member_turns t"
            + " WHERE t.guild_id = %1$s.guild_id AND t.user_id = %1$s.user_id) AS served_at";
    private static final String ACTIVE_PER_MEMBER = "(SELECT guild_id, user_id, count(*) AS active FROM jobs"
            + "   WHERE state IN ('ASSIGNED', 'RUNNING') GROUP BY guild_id, user_id) a";

    /**
     * Pixels a job produces, hires target included: as {@code GenerationRequest.pixels()} (the scaled side rounded
     * down to a multiple of 8). An upscale job counts none against a worker's pixel budget: its network runs tile by
     * tile, in memory that does not grow with the image.
     */
    static final String OUTPUT_PIXELS = "(CASE WHEN upscaler IS NOT NULL THEN 0"
            + " WHEN hires_scale IS NULL THEN width::bigint * height"
            + " ELSE (floor(width * hires_scale / 8) * 8)::bigint * (floor(height * hires_scale / 8) * 8)::bigint"
            + " END) * image_count";

    // The members' rounds are numbered over the queued jobs alone (in the order of jobs_queued_member_idx, so
    // without a sort), and only then joined with the members' active counts.
    public static final String RANKED_QUEUE = "SELECT q.id, q.attempt, q.model, q.pixels, q.created_at, " + FAIR_ROUND
            + ", " + MEMBER_TURN.formatted("q")
            + " FROM (SELECT id, attempt, model, " + OUTPUT_PIXELS + " AS pixels, created_at, priority, guild_id, user_id,"
            + "   row_number() OVER (PARTITION BY guild_id, user_id ORDER BY priority DESC, created_at, id) AS member_rank"
            + "   FROM jobs WHERE state = 'QUEUED') q"
            + " LEFT JOIN " + ACTIVE_PER_MEMBER
            + " ON a.guild_id = q.guild_id AND a.user_id = q.user_id";
    public static final String ORDER_BY = "fair_round, served_at NULLS FIRST, created_at, id";

    /**
     * The head of the queue for one dispatch pass, read without touching the whole backlog: the members with
     * queued jobs are found by skipping through jobs_queued_member_idx one member at a time, and only each
     * member's first few jobs that a worker could run are read (a member's later jobs are in later rounds).
     * An upscale job is for the workers that publish its upscaler, any other job for those that have its model.
     * Parameters: models (text[]), upscalers (text[]), largest pixel budget, jobs per member, jobs in all.
     */
    public static final String DISPATCH_WINDOW = "WITH RECURSIVE members (guild_id, user_id) AS ("
            + "   (SELECT guild_id, user_id FROM jobs WHERE state = 'QUEUED' ORDER BY guild_id, user_id LIMIT 1)"
            + "   UNION ALL"
            + "   SELECT n.guild_id, n.user_id FROM members m CROSS JOIN LATERAL (SELECT guild_id, user_id FROM jobs"
            + "     WHERE state = 'QUEUED' AND (guild_id, user_id) > (m.guild_id, m.user_id) ORDER BY guild_id, user_id LIMIT 1) n)"
            + " SELECT q.id, q.attempt, q.model, q.upscaler, q.pixels, q.created_at, " + FAIR_ROUND + ", "
            + MEMBER_TURN.formatted("m")
            + " FROM members m CROSS JOIN LATERAL (SELECT id, attempt, model, upscaler, pixels, created_at, priority,"
            + "   row_number() OVER (ORDER BY priority DESC, created_at, id) AS member_rank"
            + "   FROM (SELECT id, attempt, model, upscaler, " + OUTPUT_PIXELS + " AS pixels, created_at, priority FROM jobs"
            + "     WHERE state = 'QUEUED' AND guild_id = m.guild_id AND user_id = m.user_id"
            + "     ORDER BY priority DESC, created_at, id) member_jobs"
            + "   WHERE (CASE WHEN upscaler IS NULL THEN model = ANY (?) ELSE upscaler = ANY (?) END) AND pixels <= ?"
            + "   LIMIT ?) q"
            + " LEFT JOIN " + ACTIVE_PER_MEMBER
            + " ON a.guild_id = m.guild_id AND a.user_id = m.user_id"
            + " ORDER BY " + ORDER_BY + " LIMIT ?";

    private FairShare() {
    }
}
