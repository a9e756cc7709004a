package dev.sdbot.scheduler.store;

import dev.sdbot.scheduler.RowRetention;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;

/**
 * Deletes the rows {@link RowRetention} no longer keeps, in batches (short transactions, no long lock on a busy
 * table), each through an index of its own (V38). Cut-offs are on the database's clock.
 */
public final class RetentionStore {
    /** Rows per statement. */
    static final int BATCH = 5000;

    /** What one run removed. */
    public record Removed(long tokensCleared, long ledgerRowsRolledUp, long jobs, long moderationEvents, long memberTurns) {
        public long total() {
            return tokensCleared + ledgerRowsRolledUp + jobs + moderationEvents + memberTurns;
        }
    }

    /** Clears the interaction tokens of jobs that finished before the cut-off (bind ms). */
    public static final String SCRUB_TOKENS = "UPDATE jobs SET interaction_token = NULL WHERE id IN (SELECT id FROM jobs"
            + " WHERE interaction_token IS NOT NULL AND finished_at < now() - ? * interval '1 millisecond' LIMIT " + BATCH + ")";

    /**
     * Moves ledger rows into usage_daily: those of usage days before the ledger cut-off (bind the day), and those of
     * jobs the job retention is about to delete (bind ms), whose rows would otherwise go with them unrolled.
     */
    public static final String ROLL_UP_LEDGER = "WITH gone AS (DELETE FROM usage_ledger l USING jobs j WHERE j.id = l.job_id"
            + " AND l.id IN (SELECT id FROM usage_ledger WHERE usage_day < " + UsageStore.TODAY + " - ?::int"
            + " UNION ALL SELECT u.id FROM jobs x JOIN usage_ledger u ON u.job_id = x.id"
            + " WHERE x.state NOT IN ('QUEUED', 'ASSIGNED', 'RUNNING') AND x.finished_at < now() - ? * interval '1 millisecond'"
            + " LIMIT " + BATCH + ")"
            + " RETURNING l.guild_id, l.usage_day, l.user_id, j.model, COALESCE(l.worker_id, '') AS worker_id, l.images, l.gpu_ms),"
            + " rolled AS (INSERT INTO usage_daily AS d (guild_id, usage_day, user_id, model, worker_id, images, gpu_ms, attempts)"
            + " SELECT guild_id, usage_day, user_id, model, worker_id, sum(images), sum(gpu_ms), count(*) FROM gone"
            + " GROUP BY guild_id, usage_day, user_id, model, worker_id"
            + " ON CONFLICT (guild_id, usage_day, user_id, model, worker_id) DO UPDATE SET images = d.images + excluded.images,"
            + " gpu_ms = d.gpu_ms + excluded.gpu_ms, attempts = d.attempts + excluded.attempts)"
            + " SELECT count(*) FROM gone";

    /** Deletes finished jobs older than the cut-off (bind ms); results go with them (ON DELETE CASCADE). */
    public static final String DELETE_JOBS = "DELETE FROM jobs WHERE id IN (SELECT id FROM jobs"
            + " WHERE state NOT IN ('QUEUED', 'ASSIGNED', 'RUNNING') AND finished_at < now() - ? * interval '1 millisecond'"
            + " LIMIT " + BATCH + ")";

    public static final String DELETE_MODERATION_EVENTS = "DELETE FROM moderation_events WHERE id IN (SELECT id FROM moderation_events"
            + " WHERE created_at < now() - ? * interval '1 millisecond' LIMIT " + BATCH + ")";

    /** By row address: the table has a two-column key, and a join on it would read the whole table. */
    public static final String DELETE_MEMBER_TURNS = "DELETE FROM member_turns WHERE ctid = ANY (ARRAY(SELECT ctid"
            + " FROM member_turns WHERE last_assigned_at < now() - ? * interval '1 millisecond' LIMIT " + BATCH + "))";

    private final DataSource dataSource;

    public RetentionStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** One run: tokens, then the ledger roll-up, then jobs (their ledger rows are rolled up by then), then the rest. */
    public Removed apply(RowRetention retention) {
        long tokens = repeat("clear old interaction tokens", SCRUB_TOKENS, RowRetention.TOKEN_SCRUB.toMillis());
        long ledger = repeat("roll up the usage ledger", ROLL_UP_LEDGER, (int) retention.usageLedger().toDays(),
                retention.jobs().toMillis());
        long jobs = repeat("delete old jobs", DELETE_JOBS, retention.jobs().toMillis());
        long events = repeat("delete old moderation events", DELETE_MODERATION_EVENTS, retention.moderationEvents().toMillis());
        long turns = repeat("delete old member turns", DELETE_MEMBER_TURNS, retention.memberTurns().toMillis());
        return new Removed(tokens, ledger, jobs, events, turns);
    }

    /**
     * Runs a batched statement (an update, or a query that returns the rows it changed) until a batch changes fewer
     * than {@link #BATCH} rows; returns the rows changed.
     */
    private long repeat(String what, String sql, Object... params) {
        long total = 0;
        long changed;
        do {
            changed = Sql.withConnection(dataSource, what, c -> {
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    Sql.bind(ps, params);
                    if (!ps.execute()) {
                        return (long) ps.getUpdateCount();
                    }
                    try (ResultSet rs = ps.getResultSet()) {
                        rs.next();
                        return rs.getLong(1);
                    }
                }
            });
            total += changed;
        } while (changed >= BATCH);
        return total;
    }
}
