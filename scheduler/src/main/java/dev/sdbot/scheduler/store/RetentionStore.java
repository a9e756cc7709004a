package dev.sdbot.scheduler.store;

import dev.sdbot.scheduler.RowRetention;
import dev.sdbot.scheduler.images.ImageKeys;
import dev.sdbot.scheduler.images.ImageStore;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

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

    /**
     * A batch of finished jobs older than the cut-off (bind ms), with what they may still hold in the image store: their
     * input keys ({@link StoredInputs#KEYS_OF_JOB}), and whether their results prefix may hold objects (not when the image
     * purge already emptied it, which it marks with purged_at).
     */
    public static final String FIND_OLD_JOBS = "SELECT j.id, " + StoredInputs.KEYS_OF_JOB + ","
            + " NOT EXISTS (SELECT 1 FROM job_results r WHERE r.job_id = j.id AND r.purged_at IS NOT NULL)"
            + " FROM jobs j WHERE j.state NOT IN ('QUEUED', 'ASSIGNED', 'RUNNING')"
            + " AND j.finished_at < now() - ? * interval '1 millisecond' LIMIT " + BATCH;

    /** Deletes the jobs of one {@link #FIND_OLD_JOBS} batch (bind the ids); results go with them (ON DELETE CASCADE). */
    static final String DELETE_JOBS = "DELETE FROM jobs WHERE id = ANY (?) AND state NOT IN ('QUEUED', 'ASSIGNED', 'RUNNING')";

    public static final String DELETE_MODERATION_EVENTS = "DELETE FROM moderation_events WHERE id IN (SELECT id FROM moderation_events"
            + " WHERE created_at < now() - ? * interval '1 millisecond' LIMIT " + BATCH + ")";

    /** By row address: the table has a two-column key, and a join on it would read the whole table. */
    public static final String DELETE_MEMBER_TURNS = "DELETE FROM member_turns WHERE ctid = ANY (ARRAY(SELECT ctid"
            + " FROM member_turns WHERE last_assigned_at < now() - ? * interval '1 millisecond' LIMIT " + BATCH + "))";

    private final DataSource dataSource;
    private final ImageStore images;

    public RetentionStore(DataSource dataSource, ImageStore images) {
        this.dataSource = dataSource;
        this.images = images;
    }

    /** One run: tokens, then the ledger roll-up, then jobs (their ledger rows are rolled up by then), then the rest. */
    public Removed apply(RowRetention retention) {
        long tokens = repeat("clear old interaction tokens", SCRUB_TOKENS, RowRetention.TOKEN_SCRUB.toMillis());
        long ledger = repeat("roll up the usage ledger", ROLL_UP_LEDGER, (int) retention.usageLedger().toDays(),
                retention.jobs().toMillis());
        long jobs = deleteOldJobs(retention);
        long events = repeat("delete old moderation events", DELETE_MODERATION_EVENTS, retention.moderationEvents().toMillis());
        long turns = repeat("delete old member turns", DELETE_MEMBER_TURNS, retention.memberTurns().toMillis());
        return new Removed(tokens, ledger, jobs, events, turns);
    }

    /**
     * Deletes old jobs with every image-store object they reference, whatever the image retention is set to (longer
     * than the row retention, their images would otherwise stay forever: nothing else finds objects without a row).
     * Objects go first, then the rows, each batch: a run that stops between the two (a crash, the store or database
     * failing) leaves rows whose keys name no object, read as purged and found again by the next run, whose deletes
     * of missing objects are no error. The other order could leave objects no row names, which nothing ever collects.
     */
    private long deleteOldJobs(RowRetention retention) {
        record OldJob(long id, List<String> inputKeys, boolean resultsMayRemain) {
        }
        long total = 0;
        List<OldJob> batch;
        do {
            batch = Sql.withConnection(dataSource, "find old jobs", c -> {
                try (PreparedStatement ps = c.prepareStatement(FIND_OLD_JOBS)) {
                    Sql.bind(ps, retention.jobs().toMillis());
                    List<OldJob> found = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            found.add(new OldJob(rs.getLong(1), strings(rs.getArray(2)), rs.getBoolean(3)));
                        }
                    }
                    return found;
                }
            });
            List<String> keys = new ArrayList<>();
            for (OldJob job : batch) {
                keys.addAll(job.inputKeys());
                if (job.resultsMayRemain()) {
                    images.deletePrefix(ImageKeys.resultsOf(job.id())); // orphans of crashed attempts too
                }
            }
            if (!keys.isEmpty()) {
                images.delete(keys);
            }
            if (!batch.isEmpty()) {
                Object[] ids = batch.stream().map(OldJob::id).toArray();
                total += Sql.withConnection(dataSource, "delete old jobs", c -> {
                    try (PreparedStatement ps = c.prepareStatement(DELETE_JOBS)) {
                        Sql.bind(ps, c.createArrayOf("bigint", ids));
                        return ps.executeUpdate();
                    }
                });
            }
        } while (batch.size() >= BATCH);
        return total;
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
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
