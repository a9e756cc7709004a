package dev.sdbot.scheduler.dispatch;

import dev.sdbot.scheduler.JobLogContext;
import dev.sdbot.scheduler.SchedulerSettings;
import dev.sdbot.scheduler.store.FairShare;
import dev.sdbot.scheduler.store.Sql;
import dev.sdbot.scheduler.store.WorkerStore;
import dev.sdbot.scheduler.store.WorkerStore.WorkerCapacity;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One dispatch pass: takes queued jobs in fair-share order and assigns each to a worker slot
 * whose models and pixel budget fit, preferring a worker that has the model loaded. A
 * transaction-scoped advisory lock makes sure only one process in the cluster dispatches at a
 * time; the assignment itself is still a guarded update, so a job cancelled meanwhile is skipped. How long each
 * assigned job waited in the queue is the {@code sdbot_dispatch_latency_seconds} timer.
 */
public final class Dispatcher {
    /** Histogram buckets (a few, fixed: one series each per tag combination). */
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
            Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300), Duration.ofSeconds(900),
            Duration.ofSeconds(3600)};
    /** Advisory lock key shared by all sdbot processes on the database. */
    static final long DISPATCH_LOCK = 0x5db07_d15L;

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final DataSource dataSource;
    private final WorkerStore workers;
    private final SchedulerSettings settings;
    private final Timer queueWait;

    /** Leases and worker liveness run on the database's clock ({@code now()}), never a host's. */
    public Dispatcher(DataSource dataSource, SchedulerSettings settings, MeterRegistry meters) {
        this.dataSource = dataSource;
        this.workers = new WorkerStore(dataSource);
        this.settings = settings;
        this.queueWait = Timer.builder("sdbot.dispatch.latency")
                .description("Time a job waited in QUEUED until the dispatcher assigned it to a worker (database clock)")
                .serviceLevelObjectives(BUCKETS)
                .register(meters);
    }

    /**
     * @param lockTaken false when another process was dispatching (nothing was done)
     * @param assigned  jobs assigned in this pass
     * @param slotsLeft free worker slots left after the pass
     */
    public record Pass(boolean lockTaken, int assigned, int slotsLeft) {
    }

    /** @param upscaler an upscale job's upscaler, null for any other job */
    private record Candidate(long id, int attempt, String model, String upscaler, long pixels) {
    }

    private record Assignment(long id, long guildId, String workerId, long waitedMillis) {
    }

    public Pass dispatchOnce() {
        List<Assignment> assigned = new ArrayList<>();
        Pass pass = Sql.inHotTransaction(dataSource, "dispatch", c -> {
            assigned.clear();
            if (!tryLock(c)) {
                return new Pass(false, 0, 0);
            }
            List<WorkerCapacity> available = workers.available(c, settings.workerTimeout());
            Map<String, Integer> free = new HashMap<>();
            available.forEach(w -> free.put(w.id(), w.freeSlots()));
            int slots = free.values().stream().mapToInt(Integer::intValue).sum();
            if (slots == 0) {
                return new Pass(true, 0, 0);
            }
            List<Candidate> candidates = candidates(c, available, slots, slots * 4 + 16);
            List<Long> ids = new ArrayList<>();
            List<Integer> attempts = new ArrayList<>();
            List<String> targets = new ArrayList<>();
            for (Candidate job : candidates) {
                if (slots == 0) {
                    break;
                }
                WorkerCapacity target = pick(job, available, free);
                if (target != null) {
                    free.merge(target.id(), -1, Integer::sum);
                    slots--;
                    ids.add(job.id());
                    attempts.add(job.attempt());
                    targets.add(target.id());
                }
            }
            if (!ids.isEmpty()) {
                assigned.addAll(assign(c, ids, attempts, targets));
            }
            return new Pass(true, assigned.size(), slots);
        });
        for (Assignment job : assigned) { // committed
            queueWait.record(Duration.ofMillis(job.waitedMillis()));
            try (var context = JobLogContext.open(job.id(), job.guildId(), job.workerId())) {
                log.debug("Job {} assigned to worker {} after {} ms in the queue", job.id(), job.workerId(), job.waitedMillis());
            }
        }
        return pass;
    }

    private static boolean tryLock(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_xact_lock(?)")) {
            ps.setLong(1, DISPATCH_LOCK);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /**
     * The first queued jobs in fair-share order among those some available worker could run, so that
     * jobs for a model no worker has cannot crowd the others out of the window.
     */
    private List<Candidate> candidates(Connection c, List<WorkerCapacity> available, int perMember, int limit)
            throws SQLException {
        Object[] models = available.stream().filter(w -> w.freeSlots() > 0).flatMap(w -> w.models().stream()).distinct().toArray();
        Object[] upscalers = available.stream().filter(w -> w.freeSlots() > 0).flatMap(w -> w.upscalers().stream())
                .distinct().toArray();
        long largestBudget = available.stream().filter(w -> w.freeSlots() > 0).mapToLong(WorkerCapacity::pixelBudget).max().orElse(0);
        try (PreparedStatement ps = c.prepareStatement(FairShare.DISPATCH_WINDOW)) {
            Sql.bind(ps, c.createArrayOf("text", models), c.createArrayOf("text", upscalers), largestBudget,
                    perMember, limit);
            try (ResultSet rs = ps.executeQuery()) {
                List<Candidate> result = new ArrayList<>();
                while (rs.next()) {
                    result.add(new Candidate(rs.getLong("id"), rs.getInt("attempt"), rs.getString("model"),
                            rs.getString("upscaler"), rs.getLong("pixels")));
                }
                return result;
            }
        }
    }

    /**
     * A free slot on a worker that can run the job (has its model, or publishes an upscale job's upscaler): model
     * already loaded first, then the emptiest worker.
     */
    private static WorkerCapacity pick(Candidate job, List<WorkerCapacity> workers, Map<String, Integer> free) {
        return workers.stream()
                .filter(w -> free.get(w.id()) > 0 && w.pixelBudget() >= job.pixels()
                        && (job.upscaler() == null ? w.models().contains(job.model()) : w.upscalers().contains(job.upscaler())))
                .min(Comparator.comparing((WorkerCapacity w) -> !w.loadedModels().contains(job.model()))
                        .thenComparing(w -> -free.get(w.id())))
                .orElse(null);
    }

    private List<Assignment> assign(Connection c, List<Long> ids, List<Integer> attempts, List<String> targets) throws SQLException {
        // The lease runs on the database's clock, the one the reaper compares it with. created_at is the
        // submitter's reading: never record an assignment before it. The members served are stamped in
        // member_turns (in key order; passes run one at a time) for the next passes' tie-breaks. A queued
        // job's updated_at (from the row before this update, q) is when it entered the queue.
        try (PreparedStatement ps = c.prepareStatement("WITH assigned AS (UPDATE jobs j SET state = 'ASSIGNED', worker_id = a.worker,"
                + " attempt = j.attempt + 1, assigned_at = greatest(now(), j.created_at),"
                + " lease_expires_at = now() + ? * interval '1 millisecond', progress_step = 0,"
                + " updated_at = greatest(now(), j.created_at)"
                + " FROM (SELECT unnest(?::bigint[]) AS id, unnest(?::int[]) AS attempt, unnest(?::text[]) AS worker) a"
                + " JOIN jobs q ON q.id = a.id"
                + " WHERE j.id = a.id AND j.state = 'QUEUED' AND j.attempt = a.attempt"
                + " RETURNING j.id, j.guild_id, j.user_id, j.worker_id,"
                + "   greatest(0, (extract(epoch FROM greatest(now(), j.created_at) - q.updated_at) * 1000)::bigint) AS waited_ms),"
                + " turns AS (INSERT INTO member_turns (guild_id, user_id, last_assigned_at)"
                + "   SELECT guild_id, user_id, now() FROM assigned GROUP BY guild_id, user_id ORDER BY guild_id, user_id"
                + "   ON CONFLICT (guild_id, user_id) DO UPDATE SET last_assigned_at = excluded.last_assigned_at)"
                + " SELECT id, guild_id, worker_id, waited_ms FROM assigned")) {
            Sql.bind(ps, settings.lease().toMillis(), c.createArrayOf("bigint", ids.toArray()),
                    c.createArrayOf("integer", attempts.toArray()), c.createArrayOf("text", targets.toArray()));
            List<Assignment> result = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    result.add(new Assignment(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4)));
                }
            }
            return result;
        }
    }
}
