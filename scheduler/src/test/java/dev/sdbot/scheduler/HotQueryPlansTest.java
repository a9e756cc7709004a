package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.store.AttemptStore;
import dev.sdbot.scheduler.store.FairShare;
import dev.sdbot.scheduler.store.JobStore;
import dev.sdbot.scheduler.store.RetentionStore;
import dev.sdbot.scheduler.store.WorkerStore;
import dev.sdbot.scheduler.store.ResultStore;
import dev.sdbot.scheduler.store.TakeBack;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The periodic queries plan as index scans on a table of a million jobs (almost all finished long ago, a few queued,
 * running, or still carrying images): none reads the whole table each tick.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class HotQueryPlansTest {
    private static final int JOBS = 1_000_000;
    private TestDatabase db;

    @BeforeEach
    void millionJobs(TestDatabase db) throws SQLException {
        this.db = db;
        db.update("TRUNCATE jobs, workers, usage_ledger, moderation_events, member_turns CASCADE");
        try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
            s.execute("SET session_replication_role = replica"); // no NOTIFY per inserted row
            // every 10 000th job still queued, running or carrying a preview; the rest posted over the last 60 days
            s.execute("INSERT INTO jobs (state, prompt, model, sampler, steps, cfg_scale, width, height, image_count, guild_id,"
                    + " user_id, worker_id, attempt, lease_expires_at, started_at, finished_at, preview_png, created_at, updated_at)"
                    + " SELECT CASE WHEN i % 10000 = 1 THEN 'QUEUED' WHEN i % 10000 = 2 THEN 'RUNNING' ELSE 'POSTED' END,"
                    + " 'prompt ' || i, 'test-pattern', 'euler_a', 20, 7, 512, 512, 1, i % 30, i % 5000,"
                    + " CASE WHEN i % 10000 = 2 THEN 'w' || (i % 8) END, 1,"
                    + " CASE WHEN i % 10000 = 2 THEN now() + interval '1 minute' END,"
                    + " CASE WHEN i % 10000 = 2 THEN now() END,"
                    + " CASE WHEN i % 10000 > 2 THEN now() - (i % 60) * interval '1 day' END,"
                    + " CASE WHEN i % 10000 = 3 THEN '\\x89'::bytea END,"
                    + " now() - (i % 60) * interval '1 day', now() FROM generate_series(1, " + JOBS + ") i");
            // a few results waiting to be posted; a ledger row per 10th job, an event per 20th, 5000 member turns (1 in
            // 100 past their retention)
            s.execute("UPDATE jobs SET state = 'SUCCEEDED' WHERE id % 10000 = 4");
            s.execute("INSERT INTO usage_ledger (job_id, attempt, guild_id, user_id, worker_id, outcome, images, gpu_ms, usage_day,"
                    + " recorded_at) SELECT id, 1, guild_id, user_id, 'w1', 'SUCCEEDED', 1, 1000, (created_at AT TIME ZONE 'UTC')::date,"
                    + " created_at FROM jobs WHERE id % 10 = 0");
            s.execute("INSERT INTO moderation_events (guild_id, job_id, user_id, kind, reason, created_at)"
                    + " SELECT guild_id, id, user_id, 'FILTER_BLOCK', 'r', created_at FROM jobs WHERE id % 20 = 0");
            s.execute("INSERT INTO member_turns (guild_id, user_id, last_assigned_at)"
                    + " SELECT i % 30, i, now() - (CASE WHEN i % 100 = 0 THEN 40 ELSE i % 10 END) * interval '1 day'"
                    + " FROM generate_series(1, 5000) i");
            s.execute("ANALYZE jobs, usage_ledger, moderation_events, member_turns");
        }
    }

    @AfterEach
    void clear() {
        db.update("TRUNCATE jobs CASCADE");
    }

    @Test
    void retentionReapingAndTheDispatchWindowUseIndexesOnAMillionJobs() throws SQLException {
        assertThat(plan(ResultStore.FIND_JOB_IMAGES, 7L * 24 * 3600 * 1000)).as("retention of job images")
                .doesNotContain("Seq Scan on jobs");
        assertThat(plan("SELECT id FROM jobs WHERE " + TakeBack.EXPIRED, 60_000L, 3_600_000L)).as("the reaper")
                .doesNotContain("Seq Scan on jobs");
        try (Connection c = db.dataSource().getConnection()) {
            assertThat(plan(FairShare.DISPATCH_WINDOW, c.createArrayOf("text", new Object[] {"test-pattern"}),
                    c.createArrayOf("text", new Object[] {"4x-sharp"}), 1L << 22, 8, 48))
                    .as("the dispatch window").doesNotContain("Seq Scan on jobs");
            Long[] tracked = new Long[40]; // the progress reporter's jobs of one tick
            for (int i = 0; i < tracked.length; i++) {
                tracked[i] = 1L + 10_000L * i;
            }
            assertThat(plan(JobStore.QUEUE_POSITIONS, c.createArrayOf("bigint", tracked))).as("queue positions of a tick")
                    .doesNotContain("Seq Scan on jobs");
            assertThat(plan(WorkerStore.RENEW_LEASES, 60_000L, "w2", c.createArrayOf("bigint", new Object[] {2L}),
                    c.createArrayOf("integer", new Object[] {1}), "w2")).as("a heartbeat").doesNotContain("Seq Scan on jobs");
        }
        assertThat(plan(AttemptStore.CLAIM, 60_000L, "w2", 4, "w2")).as("a claim").doesNotContain("Seq Scan on jobs");
        Object[] shards = ShardRange.parse("0-3/16").sqlParameters();
        assertThat(plan(JobStore.UNPOSTED_ON_SHARDS, shards[0], shards[1], shards[2], 200)).as("the posting sweep")
                .doesNotContain("Seq Scan on jobs");
        RowRetention retention = RowRetention.defaults();
        assertThat(plan(RetentionStore.SCRUB_TOKENS, RowRetention.TOKEN_SCRUB.toMillis())).as("token scrub")
                .doesNotContain("Seq Scan");
        assertThat(plan(RetentionStore.ROLL_UP_LEDGER, (int) retention.usageLedger().toDays(), retention.jobs().toMillis()))
                .as("ledger roll-up").doesNotContain("Seq Scan");
        assertThat(plan(RetentionStore.FIND_OLD_JOBS, retention.jobs().toMillis())).as("old jobs to delete").doesNotContain("Seq Scan");
        assertThat(plan(RetentionStore.DELETE_MODERATION_EVENTS, retention.moderationEvents().toMillis()))
                .as("moderation event deletion").doesNotContain("Seq Scan");
        assertThat(plan(RetentionStore.DELETE_MEMBER_TURNS, retention.memberTurns().toMillis()))
                .as("member turn deletion").doesNotContain("Seq Scan");
    }

    private String plan(String sql, Object... params) throws SQLException {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false); // EXPLAIN ANALYZE is not run: nothing changes, but keep it in a transaction anyway
            try (PreparedStatement ps = c.prepareStatement("EXPLAIN " + sql)) {
                for (int i = 0; i < params.length; i++) {
                    ps.setObject(i + 1, params[i]);
                }
                StringBuilder plan = new StringBuilder();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        plan.append(rs.getString(1)).append('\n');
                    }
                }
                return plan.toString();
            } finally {
                c.rollback();
            }
        }
    }
}
