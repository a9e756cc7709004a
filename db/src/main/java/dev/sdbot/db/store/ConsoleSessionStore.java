package dev.sdbot.db.store;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The admin console's sessions and pending OAuth logins, shared by every process that serves the console. Rows are
 * keyed by the SHA-256 of the secret (cookie value, OAuth state), never the secret itself; the caller hashes.
 */
public final class ConsoleSessionStore {
    /**
     * A stored session. {@code sealedDiscordToken} is the Discord access token as the caller sealed it (null for the
     * one-time admin link's sessions).
     */
    public record StoredSession(String who, boolean allGuilds, String csrf, byte[] sealedDiscordToken, long generation,
                                Map<Long, String> managed, Instant checkedAt, Instant expires) {
        @Override
        public String toString() {
            return "StoredSession[" + who + "]";
        }
    }

    private final DataSource dataSource;

    public ConsoleSessionStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Stores a new session; sessions expired at {@code now} are purged on the way. */
    public void insert(byte[] idSha256, StoredSession s, Instant now) {
        run("store a console session", c -> {
            try (PreparedStatement purge = c.prepareStatement("DELETE FROM console_sessions WHERE expires_at <= ?")) {
                purge.setObject(1, ts(now));
                purge.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_sessions (id_sha256, who, all_guilds, csrf,"
                    + " discord_token, generation, managed_ids, managed_names, checked_at, expires_at)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setBytes(1, idSha256);
                ps.setString(2, s.who());
                ps.setBoolean(3, s.allGuilds());
                ps.setString(4, s.csrf());
                ps.setBytes(5, s.sealedDiscordToken());
                ps.setLong(6, s.generation());
                ps.setArray(7, c.createArrayOf("bigint", s.managed().keySet().toArray()));
                ps.setArray(8, c.createArrayOf("text", s.managed().values().toArray()));
                ps.setObject(9, ts(s.checkedAt()));
                ps.setObject(10, ts(s.expires()));
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The session if it exists and has not expired at {@code now}. */
    public Optional<StoredSession> find(byte[] idSha256, Instant now) {
        return run("read a console session", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT who, all_guilds, csrf, discord_token, generation,"
                    + " managed_ids, managed_names, checked_at, expires_at FROM console_sessions"
                    + " WHERE id_sha256 = ? AND expires_at > ?")) {
                ps.setBytes(1, idSha256);
                ps.setObject(2, ts(now));
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return Optional.empty();
                    }
                    Long[] ids = (Long[]) rs.getArray(6).getArray();
                    String[] names = (String[]) rs.getArray(7).getArray();
                    Map<Long, String> managed = new LinkedHashMap<>();
                    for (int i = 0; i < ids.length; i++) {
                        managed.put(ids[i], names[i]);
                    }
                    return Optional.of(new StoredSession(rs.getString(1), rs.getBoolean(2), rs.getString(3), rs.getBytes(4),
                            rs.getLong(5), managed, rs.getObject(8, OffsetDateTime.class).toInstant(),
                            rs.getObject(9, OffsetDateTime.class).toInstant()));
                }
            }
        });
    }

    /** Records a Discord login's guild rights as re-read at {@code checkedAt}. */
    public void updateManaged(byte[] idSha256, Map<Long, String> managed, Instant checkedAt) {
        run("update a console session", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE console_sessions SET managed_ids = ?, managed_names = ?,"
                    + " checked_at = ? WHERE id_sha256 = ?")) {
                Array ids = c.createArrayOf("bigint", managed.keySet().toArray());
                ps.setArray(1, ids);
                ps.setArray(2, c.createArrayOf("text", managed.values().toArray()));
                ps.setObject(3, ts(checkedAt));
                ps.setBytes(4, idSha256);
                ps.executeUpdate();
            }
            return null;
        });
    }

    public void delete(byte[] idSha256) {
        run("end a console session", c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_sessions WHERE id_sha256 = ?")) {
                ps.setBytes(1, idSha256);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Stores a pending OAuth state valid until {@code expires}, unless {@code max} unexpired ones are pending (anyone
     * can start a login); expired ones are purged on the way. True when stored.
     */
    public boolean addOAuthState(byte[] stateSha256, Instant now, Instant expires, int max) {
        return run("store an OAuth state", c -> {
            try (PreparedStatement purge = c.prepareStatement("DELETE FROM console_oauth_states WHERE expires_at <= ?")) {
                purge.setObject(1, ts(now));
                purge.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO console_oauth_states (state_sha256, expires_at)"
                    + " SELECT ?, ? WHERE (SELECT count(*) FROM console_oauth_states) < ?")) {
                ps.setBytes(1, stateSha256);
                ps.setObject(2, ts(expires));
                ps.setInt(3, max);
                return ps.executeUpdate() == 1;
            }
        });
    }

    /** Spends a state: true once for a state stored and unexpired at {@code now}. */
    public boolean redeemOAuthState(byte[] stateSha256, Instant now) {
        return run("check an OAuth state", c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM console_oauth_states WHERE state_sha256 = ? RETURNING expires_at > ?")) {
                ps.setBytes(1, stateSha256);
                ps.setObject(2, ts(now));
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    private interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    private <T> T run(String what, Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot " + what + ": " + e.getMessage(), e);
        }
    }

    /** Truncated to the column's microseconds: PostgreSQL would round, and a time read back must not be later. */
    private static OffsetDateTime ts(Instant instant) {
        return OffsetDateTime.ofInstant(instant.truncatedTo(java.time.temporal.ChronoUnit.MICROS), ZoneOffset.UTC);
    }
}
