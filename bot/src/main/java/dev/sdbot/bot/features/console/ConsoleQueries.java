package dev.sdbot.bot.features.console;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the console reads, straight from the database. Everything about jobs is filtered by guild here, so a page
 * cannot show a job of a guild its viewer does not see; {@code guilds == null} means every guild (admin link).
 */
final class ConsoleQueries {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final DataSource dataSource;

    ConsoleQueries(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Jobs per state, and how long the oldest queued job has waited (database clock); null when none waits. */
    record Queue(Map<String, Long> perState, Duration oldestWait) {
    }

    record Worker(String id, String host, int slots, int busy, Instant lastSeen, boolean live, String quarantineReason,
                  List<String> models, Map<String, String> families, List<String> unchecked) {
    }

    record Job(long id, String state, long userId, String model, String prompt, Instant createdAt, Instant finishedAt,
               String workerId, String error) {
    }

    Queue queue(Collection<Long> guilds) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT state, count(*),"
                     + " extract(epoch FROM now() - min(created_at)) * 1000 FROM jobs"
                     + " WHERE state IN ('QUEUED', 'ASSIGNED', 'RUNNING', 'SUCCEEDED')"
                     + (guilds == null ? "" : " AND guild_id = ANY(?)") + " GROUP BY state")) {
            if (guilds != null) {
                ps.setArray(1, c.createArrayOf("bigint", guilds.toArray()));
            }
            Map<String, Long> perState = new TreeMap<>();
            Duration oldest = null;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    perState.put(rs.getString(1), rs.getLong(2));
                    if (rs.getString(1).equals("QUEUED")) {
                        oldest = Duration.ofMillis(Math.max(0, (long) rs.getDouble(3)));
                    }
                }
            }
            return new Queue(perState, oldest);
        }
    }

    List<Worker> workers(Duration liveness) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT w.id, w.host, w.slots,"
                     + " (SELECT count(*) FROM jobs j WHERE j.worker_id = w.id AND j.state IN ('ASSIGNED', 'RUNNING')),"
                     + " w.heartbeat_at, w.stopped_at IS NULL AND w.heartbeat_at > now() - ? * interval '1 millisecond',"
                     + " w.quarantine_reason, w.models, w.model_families::text, w.unchecked_models FROM workers w ORDER BY w.id")) {
            ps.setLong(1, liveness.toMillis());
            List<Worker> workers = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    workers.add(new Worker(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getInt(4), instant(rs.getTimestamp(5)),
                            rs.getBoolean(6), rs.getString(7), strings(rs.getArray(8)), families(rs.getString(9)),
                            strings(rs.getArray(10))));
                }
            }
            return workers;
        }
    }

    List<Job> recentJobs(long guildId, int limit) throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, state, user_id, model, prompt, created_at, finished_at,"
                     + " worker_id, error FROM jobs WHERE guild_id = ? ORDER BY created_at DESC, id DESC LIMIT ?")) {
            ps.setLong(1, guildId);
            ps.setInt(2, limit);
            List<Job> jobs = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    jobs.add(new Job(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                            instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)), rs.getString(8), rs.getString(9)));
                }
            }
            return jobs;
        }
    }

    /** Guilds the database knows of (jobs, quota rules, settings): what the admin link lists besides the bot's. */
    TreeSet<Long> knownGuilds() throws SQLException {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT DISTINCT guild_id FROM jobs WHERE guild_id <> 0"
                     + " UNION SELECT guild_id FROM quota_rules UNION SELECT guild_id FROM guild_settings")) {
            TreeSet<Long> guilds = new TreeSet<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    guilds.add(rs.getLong(1));
                }
            }
            return guilds;
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static List<String> strings(Array array) throws SQLException {
        return array == null ? List.of() : List.of((String[]) array.getArray());
    }

    private static Map<String, String> families(String json) {
        if (json == null) {
            return Map.of();
        }
        try {
            Map<String, String> families = new TreeMap<>();
            JSON.readTree(json).fields()
                    .forEachRemaining(e -> families.put(e.getKey(), e.getValue().asText()));
            return families;
        } catch (JsonProcessingException e) {
            return Map.of(); // the column is jsonb: only a database bug gets here
        }
    }
}
