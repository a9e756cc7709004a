package dev.sdbot.scheduler.store;

import dev.sdbot.scheduler.JobStats.WorkerStats;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The workers table: registration, heartbeats, failure counting and quarantine. */
public final class WorkerStore {
    /** NOTIFY channel announcing a worker that (re)registered; payload is its id. */
    public static final String WORKER_CHANNEL = "sdbot_workers";
    private final DataSource dataSource;

    public WorkerStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A worker as the dispatcher sees it. */
    public record WorkerCapacity(String id, Set<String> models, Set<String> loadedModels, int slots, long pixelBudget, int busy) {
        public int freeSlots() {
            return Math.max(0, slots - busy);
        }
    }

    /** @param unchecked the models whose images no safety checker sees on this worker (a subset of {@code models}) */
    public void register(String id, String host, String devices, Set<String> models, Set<String> loaded,
                         Set<String> unchecked, int slots, long pixelBudget, Instant now) {
        Sql.withConnection(dataSource, "register worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO workers (id, host, devices, models, loaded_models,"
                    + " unchecked_models, slots, pixel_budget, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT (id) DO UPDATE SET host = excluded.host, devices = excluded.devices, models = excluded.models,"
                    + " loaded_models = excluded.loaded_models, unchecked_models = excluded.unchecked_models,"
                    + " slots = excluded.slots, pixel_budget = excluded.pixel_budget, started_at = excluded.started_at,"
                    + " heartbeat_at = excluded.heartbeat_at, stopped_at = NULL")) {
                Sql.bind(ps, id, host, devices, c.createArrayOf("text", models.toArray()), c.createArrayOf("text", loaded.toArray()),
                        c.createArrayOf("text", unchecked.toArray()), slots, pixelBudget, now, now);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('" + WORKER_CHANNEL + "', ?)")) {
                ps.setString(1, id); // dispatchers place waiting jobs on the new worker right away
                ps.execute();
            }
            return null;
        });
    }

    /** The LoRA names the worker offers (its generator's), for validating and autocompleting {@code <lora:NAME>}. */
    public void publishLoras(String id, Set<String> loras) {
        Sql.withConnection(dataSource, "publish LoRAs of worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE workers SET loras = ? WHERE id = ?")) {
                Sql.bind(ps, c.createArrayOf("text", loras.toArray()), id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Records a heartbeat and renews the leases of the worker's jobs in one transaction.
     * Returns the quarantine reason when the worker has been quarantined, else null.
     */
    public String heartbeat(String id, Set<String> loaded, Instant now, Duration lease) {
        // Jobs before the worker row: the same lock order as storing a result, so the two cannot deadlock.
        return Sql.inTransaction(dataSource, "heartbeat of worker " + id, c -> {
            // Rows another transaction holds right now (a result being stored, a progress write, a cancel) are
            // skipped rather than waited for: they are about to change anyway, and the next heartbeat, well within
            // the lease, renews any that are still active. Waiting made heartbeats and result writes queue up
            // behind each other under load.
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET lease_expires_at = ?"
                    + " WHERE worker_id = ? AND state IN ('ASSIGNED', 'RUNNING') AND id IN (SELECT id FROM jobs"
                    + "   WHERE worker_id = ? AND state IN ('ASSIGNED', 'RUNNING') FOR UPDATE SKIP LOCKED)")) {
                Sql.bind(ps, now.plus(lease), id, id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE workers SET heartbeat_at = ?, loaded_models = ?"
                    + " WHERE id = ? RETURNING quarantine_reason")) {
                Sql.bind(ps, now, c.createArrayOf("text", loaded.toArray()), id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    public void markStopped(String id, Instant now) {
        Sql.update(dataSource, "stop worker " + id, "UPDATE workers SET stopped_at = ? WHERE id = ?", now, id);
    }

    /** Lifts a quarantine (operator action). */
    public boolean release(String id) {
        return Sql.update(dataSource, "release worker " + id, "UPDATE workers SET quarantined_at = NULL, quarantine_reason = NULL,"
                + " consecutive_failures = 0 WHERE id = ? AND quarantined_at IS NOT NULL", id) == 1;
    }

    void recordSuccess(Connection c, String id) throws SQLException {
        // Matches (and locks) the worker row only after failures, so successes do not queue up on it.
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE workers SET consecutive_failures = 0 WHERE id = ? AND consecutive_failures > 0")) {
            Sql.bind(ps, id);
            ps.executeUpdate();
        }
    }

    /** Counts a failure; the worker is quarantined once it has failed {@code quarantineAfter} jobs in a row. */
    public void recordFailure(Connection c, String id, String error, int quarantineAfter, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE workers SET consecutive_failures = consecutive_failures + 1,"
                + " quarantined_at = CASE WHEN quarantined_at IS NULL AND consecutive_failures + 1 >= ? THEN ? ELSE quarantined_at END,"
                + " quarantine_reason = CASE WHEN quarantined_at IS NULL AND consecutive_failures + 1 >= ?"
                + "   THEN (consecutive_failures + 1) || ' jobs failed in a row, last: ' || ? ELSE quarantine_reason END"
                + " WHERE id = ?")) {
            Sql.bind(ps, quarantineAfter, now, quarantineAfter, error, id);
            ps.executeUpdate();
        }
    }

    /** Workers that may take jobs: live heartbeat, not stopped, not quarantined. */
    public List<WorkerCapacity> available(Connection c, Instant liveSince) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT w.id, w.models, w.loaded_models, w.slots, w.pixel_budget,"
                + " (SELECT count(*) FROM jobs j WHERE j.worker_id = w.id AND j.state IN ('ASSIGNED', 'RUNNING')) AS busy"
                + " FROM workers w WHERE w.stopped_at IS NULL AND w.quarantined_at IS NULL AND w.heartbeat_at >= ?")) {
            Sql.bind(ps, liveSince);
            try (ResultSet rs = ps.executeQuery()) {
                List<WorkerCapacity> workers = new ArrayList<>();
                while (rs.next()) {
                    workers.add(new WorkerCapacity(rs.getString(1), strings(rs.getArray(2)), strings(rs.getArray(3)),
                            rs.getInt(4), rs.getLong(5), rs.getInt(6)));
                }
                return workers;
            }
        }
    }

    public List<WorkerStats> stats(Instant now, Instant liveSince) {
        return Sql.withConnection(dataSource, "worker stats", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT w.id, w.host, w.slots, w.heartbeat_at, w.stopped_at,"
                    + " w.quarantine_reason,"
                    + " (SELECT count(*) FROM jobs j WHERE j.worker_id = w.id AND j.state IN ('ASSIGNED', 'RUNNING')) AS busy,"
                    + " (SELECT count(*) FILTER (WHERE l.outcome = 'SUCCEEDED') FROM usage_ledger l WHERE l.worker_id = w.id) AS succeeded,"
                    + " (SELECT count(*) FILTER (WHERE l.outcome IN ('FAILED', 'RETRY')) FROM usage_ledger l WHERE l.worker_id = w.id) AS failed,"
                    + " (SELECT count(*) FROM usage_ledger l WHERE l.worker_id = w.id AND l.recorded_at >= ?) AS last_minute"
                    + " FROM workers w ORDER BY w.id")) {
                Sql.bind(ps, now.minusSeconds(60));
                try (ResultSet rs = ps.executeQuery()) {
                    List<WorkerStats> stats = new ArrayList<>();
                    while (rs.next()) {
                        Instant heartbeat = Sql.instant(rs, "heartbeat_at");
                        boolean live = rs.getObject("stopped_at") == null && !heartbeat.isBefore(liveSince);
                        stats.add(new WorkerStats(rs.getString("id"), rs.getString("host"), rs.getInt("slots"),
                                rs.getInt("busy"), rs.getLong("succeeded"), rs.getLong("failed"),
                                rs.getLong("last_minute"), heartbeat, live, rs.getString("quarantine_reason")));
                    }
                    return stats;
                }
            }
        });
    }

    private static Set<String> strings(java.sql.Array array) throws SQLException {
        return Set.of((String[]) array.getArray());
    }
}
