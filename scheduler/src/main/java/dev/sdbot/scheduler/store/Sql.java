package dev.sdbot.scheduler.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Small JDBC helpers: transactions and timestamp conversion. */
public final class Sql {
    /** Longest a hot-path statement may run (a dispatch pass over a deep queue takes milliseconds). */
    public static final Duration HOT_STATEMENT_TIMEOUT = Duration.ofSeconds(10);
    /** Longest a hot-path transaction may wait on its client between statements. */
    public static final Duration HOT_IDLE_TIMEOUT = Duration.ofSeconds(5);

    private Sql() {
    }

    @FunctionalInterface
    public interface Work<T> {
        T apply(Connection connection) throws SQLException;
    }

    public static <T> T inTransaction(DataSource dataSource, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.apply(c);
                c.commit();
                return result;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly(c);
                throw e;
            }
        } catch (SQLException e) {
            throw new DataAccessException(what, e);
        }
    }

    /**
     * A hot-path transaction (claim, heartbeat, dispatch, reaping, the leader lease) under tight limits: a statement
     * that runs past {@link #HOT_STATEMENT_TIMEOUT} (stuck on a lock) fails, and the server ends the transaction
     * when its client goes quiet for {@link #HOT_IDLE_TIMEOUT} mid-way (frozen or cut off), so its locks go with it.
     */
    public static <T> T inHotTransaction(DataSource dataSource, String what, Work<T> work) {
        return inTransaction(dataSource, what, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT set_config('statement_timeout', ?, true),"
                    + " set_config('idle_in_transaction_session_timeout', ?, true)")) {
                bind(ps, HOT_STATEMENT_TIMEOUT.toMillis() + "ms", HOT_IDLE_TIMEOUT.toMillis() + "ms");
                ps.executeQuery().close();
            }
            return work.apply(c);
        });
    }

    public static <T> T withConnection(DataSource dataSource, String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.apply(c);
        } catch (SQLException e) {
            throw new DataAccessException(what, e);
        }
    }

    public static int update(DataSource dataSource, String what, String sql, Object... params) {
        return withConnection(dataSource, what, c -> {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                bind(ps, params);
                return ps.executeUpdate();
            }
        });
    }

    public static void bind(PreparedStatement ps, Object... params) throws SQLException {
        for (int i = 0; i < params.length; i++) {
            Object p = params[i];
            ps.setObject(i + 1, p instanceof Instant instant ? timestamp(instant) : p);
        }
    }

    public static OffsetDateTime timestamp(Instant instant) {
        return instant == null ? null : OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    public static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
        return value == null ? null : value.toInstant();
    }

    public static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the connection is broken; the pool discards it
        }
    }
}
