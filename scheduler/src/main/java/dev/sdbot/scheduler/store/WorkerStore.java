package dev.sdbot.scheduler.store;

import dev.sdbot.scheduler.JobStats.WorkerStats;
import dev.sdbot.scheduler.WorkerStatus;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/** The workers table: registration, heartbeats, failure counting and quarantine. */
public final class WorkerStore {
    /** NOTIFY channel announcing a worker that (re)registered; payload is its id. */
    public static final String WORKER_CHANNEL = "sdbot_workers";
    private final DataSource dataSource;

    public WorkerStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A worker as the dispatcher sees it. */
    /** @param upscalers the upscalers it publishes: upscale jobs go to a worker that has theirs */
    public record WorkerCapacity(String id, Set<String> models, Set<String> loadedModels, int slots, long pixelBudget, int busy,
                                 Set<String> upscalers) {
        public int freeSlots() {
            return Math.max(0, slots - busy);
        }
    }

    /**
     * Registers a worker process (heartbeat on the database's clock). A process registering under an id takes
     * back the jobs that id still has RUNNING: it has none yet, so they belong to an earlier process of the same
     * id that died with them (the attempt counts, see {@link TakeBack}). Jobs ASSIGNED and not yet started stay:
     * this process takes them. Returns the jobs taken back.
     *
     * @param unchecked the models whose images no safety checker sees on this worker (a subset of {@code models})
     */
    public List<TakeBack.Taken> register(String id, String host, String devices, Set<String> models, Set<String> loaded,
                                         Set<String> unchecked, int slots, long pixelBudget) {
        return Sql.inTransaction(dataSource, "register worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO workers (id, host, devices, models, loaded_models,"
                    + " unchecked_models, slots, pixel_budget, started_at, heartbeat_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, now(), now())"
                    + " ON CONFLICT (id) DO UPDATE SET host = excluded.host, devices = excluded.devices, models = excluded.models,"
                    + " loaded_models = excluded.loaded_models, unchecked_models = excluded.unchecked_models,"
                    + " slots = excluded.slots, pixel_budget = excluded.pixel_budget, started_at = excluded.started_at,"
                    + " heartbeat_at = excluded.heartbeat_at, stopped_at = NULL")) {
                Sql.bind(ps, id, host, devices, c.createArrayOf("text", models.toArray()), c.createArrayOf("text", loaded.toArray()),
                        c.createArrayOf("text", unchecked.toArray()), slots, pixelBudget);
                ps.executeUpdate();
            }
            List<TakeBack.Taken> taken = TakeBack.ofEarlierLife(c, id);
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('" + WORKER_CHANNEL + "', ?)")) {
                ps.setString(1, id); // dispatchers place waiting jobs on the new worker right away
                ps.execute();
            }
            return taken;
        });
    }

    /** The family id ("sd1", "sd2", "sdxl") of each of the worker's models, replacing what it announced before. */
    public void recordModelFamilies(String id, Map<String, String> families) {
        Sql.withConnection(dataSource, "record model families of worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE workers SET model_families = jsonb_object(?::text[], ?::text[]) WHERE id = ?")) {
                Sql.bind(ps, c.createArrayOf("text", families.keySet().toArray()),
                        c.createArrayOf("text", families.values().toArray()), id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The worker's inpainting models (9-channel UNet), replacing what it announced before. */
    public void recordInpaintingModels(String id, Set<String> models) {
        Sql.withConnection(dataSource, "record inpainting models of worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE workers SET inpainting_models = ? WHERE id = ?")) {
                Sql.bind(ps, c.createArrayOf("text", models.toArray()), id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The side in pixels each of the worker's models was trained at, where its generator can tell. */
    public void recordNativeSides(String id, Map<String, Integer> sides) {
        Sql.withConnection(dataSource, "record native sizes of worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE workers SET model_native_sides = jsonb_object(?::text[], ?::text[]) WHERE id = ?")) {
                Sql.bind(ps, c.createArrayOf("text", sides.keySet().toArray()),
                        c.createArrayOf("text", sides.values().stream().map(String::valueOf).toArray()), id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The presets of the worker's models (model name → {@code ModelPreset.encode()} line), see migration V33. */
    public void publishModelPresets(String id, Map<String, String> presets) {
        Sql.withConnection(dataSource, "publish model presets of worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE workers SET model_presets = jsonb_object(?::text[], ?::text[]) WHERE id = ?")) {
                Sql.bind(ps, c.createArrayOf("text", presets.keySet().toArray()),
                        c.createArrayOf("text", presets.values().toArray()), id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Model name → preset line over the live workers, as {@link #modelFamilies}. */
    public Map<String, String> modelPresets(Duration timeout) {
        return families("model_presets", timeout);
    }

    /**
     * The LoRA names the worker offers (its generator's), for validating and autocompleting {@code <lora:NAME>}, and
     * the family id of those whose family it could tell.
     */
    public void publishLoras(String id, Set<String> loras, Map<String, String> families) {
        Sql.withConnection(dataSource, "publish LoRAs of worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE workers SET loras = ?,"
                    + " lora_families = jsonb_object(?::text[], ?::text[]) WHERE id = ?")) {
                Sql.bind(ps, c.createArrayOf("text", loras.toArray()), c.createArrayOf("text", families.keySet().toArray()),
                        c.createArrayOf("text", families.values().toArray()), id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** The upscalers the worker offers (its generator's), name → the factor its network enlarges by. */
    public void publishUpscalers(String id, Map<String, Integer> upscalers) {
        Sql.withConnection(dataSource, "publish upscalers of worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE workers SET upscalers = jsonb_object(?::text[], ?::text[]) WHERE id = ?")) {
                Sql.bind(ps, c.createArrayOf("text", upscalers.keySet().toArray()),
                        c.createArrayOf("text", upscalers.values().stream().map(String::valueOf).toArray()), id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Upscaler name → its factor over the live workers, as {@link #modelFamilies}. */
    public Map<String, Integer> upscalers(Duration timeout) {
        Map<String, Integer> scales = new TreeMap<>();
        families("upscalers", timeout).forEach((name, scale) -> scales.put(name, Integer.valueOf(scale)));
        return scales;
    }

    /**
     * The textual-inversion embedding names the worker offers, for validating and autocompleting them, and the family
     * id of those whose vector widths tell it.
     */
    public void publishEmbeddings(String id, Set<String> embeddings, Map<String, String> families) {
        Sql.withConnection(dataSource, "publish embeddings of worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE workers SET embeddings = ?,"
                    + " embedding_families = jsonb_object(?::text[], ?::text[]) WHERE id = ?")) {
                Sql.bind(ps, c.createArrayOf("text", embeddings.toArray()),
                        c.createArrayOf("text", families.keySet().toArray()),
                        c.createArrayOf("text", families.values().toArray()), id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Embedding name → family id over the live workers, as {@link #modelFamilies}. */
    public Map<String, String> embeddingFamilies(Duration timeout) {
        return families("embedding_families", timeout);
    }

    /**
     * The ControlNets the worker offers (its generator's), for validating and autocompleting {@code /imagine control},
     * and the family id of those whose family it could tell.
     */
    public void publishControlNets(String id, Set<String> controlNets, Map<String, String> families) {
        Sql.withConnection(dataSource, "publish ControlNets of worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE workers SET controlnets = ?,"
                    + " controlnet_families = jsonb_object(?::text[], ?::text[]) WHERE id = ?")) {
                Sql.bind(ps, c.createArrayOf("text", controlNets.toArray()),
                        c.createArrayOf("text", families.keySet().toArray()),
                        c.createArrayOf("text", families.values().toArray()), id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** ControlNet name → family id over the live workers, as {@link #modelFamilies}. */
    public Map<String, String> controlNetFamilies(Duration timeout) {
        return families("controlnet_families", timeout);
    }

    /**
     * Model name → family id over the workers that may take jobs (heartbeat within {@code timeout} of the
     * database's clock; the first worker's answer where two disagree).
     */
    public Map<String, String> modelFamilies(Duration timeout) {
        return families("model_families", timeout);
    }

    /** Model name → native side in pixels (as text) over the live workers, as {@link #modelFamilies}. */
    public Map<String, String> modelNativeSides(Duration timeout) {
        return families("model_native_sides", timeout);
    }

    /** LoRA name → family id over the live workers, as {@link #modelFamilies}. */
    public Map<String, String> loraFamilies(Duration timeout) {
        return families("lora_families", timeout);
    }

    private Map<String, String> families(String column, Duration timeout) {
        return Sql.withConnection(dataSource, column, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT f.key, f.value FROM workers w,"
                    + " jsonb_each_text(w." + column + ") f"
                    + " WHERE w.stopped_at IS NULL AND w.quarantined_at IS NULL"
                    + " AND w.heartbeat_at > now() - ? * interval '1 millisecond' ORDER BY w.id")) {
                Sql.bind(ps, timeout.toMillis());
                Map<String, String> families = new TreeMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        families.putIfAbsent(rs.getString(1), rs.getString(2));
                    }
                }
                return families;
            }
        });
    }

    /** A job a worker process has in hand: the attempt it was given. */
    public record Held(long id, int attempt) {
    }

    /** A heartbeat's lease renewal (bind lease ms, worker, job ids, attempts, worker); its plan is checked on a large table. */
    public static final String RENEW_LEASES = "UPDATE jobs SET lease_expires_at = now() + ? * interval '1 millisecond'"
            + " WHERE worker_id = ? AND state = 'RUNNING' AND id IN (SELECT j.id FROM jobs j"
            + "   JOIN unnest(?::bigint[], ?::int[]) AS h (id, attempt) ON j.id = h.id AND j.attempt = h.attempt"
            + "   WHERE j.worker_id = ? AND j.state = 'RUNNING' FOR UPDATE OF j SKIP LOCKED)";

    /**
     * Records a heartbeat and, in one transaction, renews the leases of the jobs this process has in hand (by id and
     * attempt) and no others: not those of an earlier process of the same id, nor jobs assigned to it that it has not
     * taken (their lease, set at assignment, covers the moment it takes to claim them; a quarantined worker claims
     * none, so they go back to the queue when it runs out). Leases and the heartbeat run on the database's clock.
     * Returns the quarantine reason when the worker has been quarantined, else null.
     */
    public String heartbeat(String id, Set<String> loaded, List<Held> held, Duration lease) {
        // Jobs before the worker row: the same lock order as storing a result, so the two cannot deadlock.
        return Sql.inHotTransaction(dataSource, "heartbeat of worker " + id, c -> {
            // Rows another transaction holds right now (a result being stored, a progress write, a cancel) are
            // skipped rather than waited for: they are about to change anyway, and the next heartbeat, well within
            // the lease, renews any that are still active. Waiting made heartbeats and result writes queue up
            // behind each other under load.
            try (PreparedStatement ps = c.prepareStatement(RENEW_LEASES)) {
                Sql.bind(ps, lease.toMillis(), id, c.createArrayOf("bigint", held.stream().map(Held::id).toArray()),
                        c.createArrayOf("integer", held.stream().map(Held::attempt).toArray()), id);
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE workers SET heartbeat_at = now(), loaded_models = ?"
                    + " WHERE id = ? RETURNING quarantine_reason")) {
                Sql.bind(ps, c.createArrayOf("text", loaded.toArray()), id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getString(1) : null;
                }
            }
        });
    }

    public void markStopped(String id) {
        Sql.update(dataSource, "stop worker " + id, "UPDATE workers SET stopped_at = now() WHERE id = ?", id);
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
    public void recordFailure(Connection c, String id, String error, int quarantineAfter) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE workers SET consecutive_failures = consecutive_failures + 1,"
                + " quarantined_at = CASE WHEN quarantined_at IS NULL AND consecutive_failures + 1 >= ? THEN now() ELSE quarantined_at END,"
                + " quarantine_reason = CASE WHEN quarantined_at IS NULL AND consecutive_failures + 1 >= ?"
                + "   THEN (consecutive_failures + 1) || ' jobs failed in a row, last: ' || ? ELSE quarantine_reason END"
                + " WHERE id = ?")) {
            Sql.bind(ps, quarantineAfter, quarantineAfter, error, id);
            ps.executeUpdate();
        }
    }

    /** Workers that may take jobs: heartbeat within {@code timeout} of the database's clock, not stopped, not quarantined. */
    public List<WorkerCapacity> available(Connection c, Duration timeout) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT w.id, w.models, w.loaded_models, w.slots, w.pixel_budget,"
                + " (SELECT count(*) FROM jobs j WHERE j.worker_id = w.id AND j.state IN ('ASSIGNED', 'RUNNING')) AS busy,"
                + " ARRAY(SELECT jsonb_object_keys(w.upscalers)) AS upscalers"
                + " FROM workers w WHERE w.stopped_at IS NULL AND w.quarantined_at IS NULL"
                + " AND w.heartbeat_at > now() - ? * interval '1 millisecond'")) {
            Sql.bind(ps, timeout.toMillis());
            try (ResultSet rs = ps.executeQuery()) {
                List<WorkerCapacity> workers = new ArrayList<>();
                while (rs.next()) {
                    workers.add(new WorkerCapacity(rs.getString(1), strings(rs.getArray(2)), strings(rs.getArray(3)),
                            rs.getInt(4), rs.getLong(5), rs.getInt(6), strings(rs.getArray(7))));
                }
                return workers;
            }
        }
    }

    /** One worker's state, if it ever registered (no counters: one row read by its key). */
    public Optional<WorkerStatus> status(String id, Duration timeout) {
        return Sql.withConnection(dataSource, "status of worker " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT stopped_at IS NOT NULL, quarantine_reason,"
                    + " heartbeat_at > now() - ? * interval '1 millisecond' FROM workers WHERE id = ?")) {
                Sql.bind(ps, timeout.toMillis(), id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(new WorkerStatus(id, rs.getBoolean(1), rs.getString(2), rs.getBoolean(3)))
                            : Optional.empty();
                }
            }
        });
    }

    /** Every worker, by id, with its counters. */
    public List<WorkerStats> stats(Duration timeout) {
        return Sql.withConnection(dataSource, "worker stats", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT w.id, w.host, w.slots, w.heartbeat_at, w.quarantine_reason,"
                    + " w.stopped_at IS NULL AND w.heartbeat_at > now() - ? * interval '1 millisecond' AS live,"
                    + " w.models, w.unchecked_models,"
                    + " ARRAY(SELECT f.key FROM jsonb_each_text(w.model_families) f ORDER BY f.key) AS family_models,"
                    + " ARRAY(SELECT f.value FROM jsonb_each_text(w.model_families) f ORDER BY f.key) AS family_ids,"
                    + " (SELECT count(*) FROM jobs j WHERE j.worker_id = w.id AND j.state IN ('ASSIGNED', 'RUNNING')) AS busy,"
                    + " (SELECT count(*) FILTER (WHERE l.outcome = 'SUCCEEDED') FROM usage_ledger l WHERE l.worker_id = w.id) AS succeeded,"
                    + " (SELECT count(*) FILTER (WHERE l.outcome IN ('FAILED', 'RETRY')) FROM usage_ledger l WHERE l.worker_id = w.id) AS failed,"
                    + " (SELECT count(*) FROM usage_ledger l WHERE l.worker_id = w.id AND l.recorded_at >= now() - interval '1 minute')"
                    + "   AS last_minute FROM workers w ORDER BY w.id")) {
                Sql.bind(ps, timeout.toMillis());
                try (ResultSet rs = ps.executeQuery()) {
                    List<WorkerStats> stats = new ArrayList<>();
                    while (rs.next()) {
                        String[] familyModels = (String[]) rs.getArray("family_models").getArray();
                        String[] familyIds = (String[]) rs.getArray("family_ids").getArray();
                        Map<String, String> families = new TreeMap<>();
                        for (int i = 0; i < familyIds.length; i++) {
                            families.put(familyModels[i], familyIds[i]);
                        }
                        stats.add(new WorkerStats(rs.getString("id"), rs.getString("host"), rs.getInt("slots"),
                                rs.getInt("busy"), rs.getLong("succeeded"), rs.getLong("failed"),
                                rs.getLong("last_minute"), Sql.instant(rs, "heartbeat_at"), rs.getBoolean("live"),
                                rs.getString("quarantine_reason"), sorted(rs.getArray("models")),
                                families, sorted(rs.getArray("unchecked_models"))));
                    }
                    return stats;
                }
            }
        });
    }

    private static Set<String> strings(java.sql.Array array) throws SQLException {
        return Set.of((String[]) array.getArray());
    }

    private static List<String> sorted(java.sql.Array array) throws SQLException {
        return array == null ? List.of() : java.util.Arrays.stream((String[]) array.getArray()).sorted().toList();
    }
}
