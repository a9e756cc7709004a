package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.store.FairShare;
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
        db.update("TRUNCATE jobs, workers CASCADE");
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
            s.execute("ANALYZE jobs");
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
            assertThat(plan(FairShare.DISPATCH_WINDOW, c.createArrayOf("text", new Object[] {"test-pattern"}), 1L << 22, 8, 48))
                    .as("the dispatch window").doesNotContain("Seq Scan on jobs");
        }
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
