package dev.sdbot.scheduler.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * The usage ledger (one row per finished attempt) and the per-day counters the quota check reads. The counters
 * hold what members are billed: the images and device time of the attempts that produced their images.
 */
public final class UsageStore {
    private final DataSource dataSource;

    public UsageStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Today as SQL: usage days are UTC days of the database's clock, so every process bills and counts on the same
     * day whatever its host's clock says; quotas reset at UTC midnight.
     */
    public static final String TODAY = "(now() AT TIME ZONE 'UTC')::date";

    /** Today, on the database's clock. */
    public static LocalDate today(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + TODAY); ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, LocalDate.class);
        }
    }

    /**
     * Records what an attempt that produced no image consumed (failed, retried, cancelled), in the caller's
     * transaction. The member is billed only for the attempt that produced their image (stored with the result),
     * so this row is {@code billed = false} and the member's counters do not change.
     */
    public void recordUnbilled(Connection c, long jobId, int attempt, long guildId, long userId, String workerId,
                               String outcome, long gpuMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO usage_ledger (job_id, attempt, guild_id, user_id, worker_id,"
                + " outcome, images, gpu_ms, usage_day, recorded_at, billed) VALUES (?, ?, ?, ?, ?, ?, 0, ?, " + TODAY + ", now(), false)")) {
            Sql.bind(ps, jobId, attempt, guildId, userId, workerId, outcome, gpuMillis);
            ps.executeUpdate();
        }
    }

    /**
     * Records and bills the device time of an attempt its requester cancelled, in the caller's transaction: a ledger
     * row {@code CANCELLED} with no image, and the GPU time added to the member's counter for the day.
     */
    public void recordBilledCancellation(Connection c, long jobId, int attempt, long guildId, long userId, String workerId,
                                         long gpuMillis) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("WITH ledger AS (INSERT INTO usage_ledger (job_id, attempt, guild_id,"
                + " user_id, worker_id, outcome, images, gpu_ms, usage_day, recorded_at, billed)"
                + " VALUES (?, ?, ?, ?, ?, 'CANCELLED', 0, ?, " + TODAY + ", now(), true))"
                + " INSERT INTO usage_counters (guild_id, user_id, usage_day, images, gpu_ms) VALUES (?, ?, " + TODAY + ", 0, ?)"
                + " ON CONFLICT (guild_id, user_id, usage_day) DO UPDATE SET gpu_ms = usage_counters.gpu_ms + excluded.gpu_ms")) {
            Sql.bind(ps, jobId, attempt, guildId, userId, workerId, gpuMillis, guildId, userId, gpuMillis);
            ps.executeUpdate();
        }
    }

    /** The daily reset: drops the counters of days before today (the database's). The ledger keeps the history. */
    public int resetPastCounters() {
        return Sql.update(dataSource, "reset usage counters", "DELETE FROM usage_counters WHERE usage_day < " + TODAY);
    }
}
