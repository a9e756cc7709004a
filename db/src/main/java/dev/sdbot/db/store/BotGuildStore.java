package dev.sdbot.db.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

/**
 * The guilds each bot process serves ({@code bot_guilds}, V43), so that a console in any process knows every guild of
 * the deployment. Times are the database's.
 */
public final class BotGuildStore {
    private final DataSource dataSource;

    public BotGuildStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Replaces the process's guilds with these (id → name), stamped now: its heartbeat. */
    public void publish(String processId, Map<Long, String> guilds) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM bot_guilds WHERE process_id = ?"
                        + " AND NOT (guild_id = ANY (?))")) {
                    ps.setString(1, processId);
                    ps.setArray(2, c.createArrayOf("bigint", guilds.keySet().toArray()));
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO bot_guilds (guild_id, process_id, name, seen_at)"
                        + " SELECT * FROM unnest(?::bigint[], ?::text[], ?::text[]) AS g(guild_id, process_id, name), now()"
                        + " ON CONFLICT (guild_id, process_id) DO UPDATE SET name = excluded.name, seen_at = excluded.seen_at")) {
                    ps.setArray(1, c.createArrayOf("bigint", guilds.keySet().toArray()));
                    ps.setArray(2, c.createArrayOf("text", guilds.keySet().stream().map(g -> processId).toArray()));
                    ps.setArray(3, c.createArrayOf("text", guilds.values().toArray()));
                    ps.executeUpdate();
                }
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not publish the guilds of bot process " + processId + ": " + e.getMessage(), e);
        }
    }

    /** Forgets the process's guilds (it stops). */
    public void remove(String processId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM bot_guilds WHERE process_id = ?")) {
            ps.setString(1, processId);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not remove the guilds of bot process " + processId + ": " + e.getMessage(), e);
        }
    }

    /** The guilds of every process whose heartbeat is younger than {@code maxAge}, id → name. */
    public Map<Long, String> live(Duration maxAge) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT ON (guild_id) guild_id, name FROM bot_guilds"
                     + " WHERE seen_at > now() - ? * interval '1 millisecond' ORDER BY guild_id, seen_at DESC")) {
            ps.setLong(1, maxAge.toMillis());
            Map<Long, String> guilds = new TreeMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    guilds.put(rs.getLong(1), rs.getString(2));
                }
            }
            return guilds;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the guilds of the bot processes: " + e.getMessage(), e);
        }
    }
}
