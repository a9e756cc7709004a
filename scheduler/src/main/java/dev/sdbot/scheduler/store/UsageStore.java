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

    /** Today's images and GPU milliseconds of a member: {images, gpuMillis}. */
    public long[] usedOn(Connection c, long guildId, long userId, LocalDate day) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT images, gpu_ms FROM usage_counters WHERE guild_id = ? AND user_id = ? AND usage_day = ?")) {
            Sql.bind(ps, guildId, userId, day);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new long[] {rs.getInt(1), rs.getLong(2)} : new long[] {0, 0};
            }
        }
    }

    /** The daily reset: drops the counters of days before today (the database's). The ledger keeps the history. */
    public int resetPastCounters() {
        return Sql.update(dataSource, "reset usage counters", "DELETE FROM usage_counters WHERE usage_day < " + TODAY);
    }
}
