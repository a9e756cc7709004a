package dev.sdbot.scheduler.store;

import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.images.ImageKeys;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A worker's writes for the jobs it runs. Every write names the job's id, expected state and the
 * attempt the worker was given, so a worker whose lease was taken away changes nothing.
 */
public final class AttemptStore {
    private final DataSource dataSource;
    private final UsageStore usage;
    private final WorkerStore workers;

    public AttemptStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.usage = new UsageStore(dataSource);
        this.workers = new WorkerStore(dataSource);
    }

    /** The claim (bind lease ms, worker, limit, worker); its plan is checked on a large table. */
    public static final String CLAIM = "UPDATE jobs j SET state = 'RUNNING',"
            + " started_at = greatest(now(), j.assigned_at), updated_at = greatest(now(), j.assigned_at),"
            + " lease_expires_at = now() + ? * interval '1 millisecond' FROM (SELECT id, attempt FROM jobs WHERE worker_id = ? AND state = 'ASSIGNED'"
            + " ORDER BY assigned_at, id LIMIT ?) a"
            + " WHERE j.id = a.id AND j.state = 'ASSIGNED' AND j.attempt = a.attempt AND j.worker_id = ?"
            + " RETURNING j.id, j.attempt, j.guild_id, j.user_id, j.assigned_at, j.init_image, j.mask_image,"
            + " j.init_image IS NOT NULL AS init_in_row, j.mask_image IS NOT NULL AS mask_in_row, j.control_images,"
            + " j.control_images IS NOT NULL AS controls_in_row, "
            + prefixed(JobRows.REQUEST_COLUMNS);

    /**
     * ASSIGNED → RUNNING for up to {@code limit} of the worker's assigned jobs, oldest assignment first, in one
     * statement (one round trip, whatever the number of jobs). Each row is still guarded by state, attempt and worker.
     */
    public List<ClaimedJob> claim(String workerId, int limit, Duration lease) {
        return Sql.inHotTransaction(dataSource, "claim jobs for " + workerId, c -> {
            List<ClaimedJob> claimed = new ArrayList<>();
            // on the database's clock: the maximum run time and the lease are measured from here
            try (PreparedStatement ps = c.prepareStatement(CLAIM)) {
                Sql.bind(ps, lease.toMillis(), workerId, limit, workerId);
                List<Object[]> rows = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        // images of a row older than the image store come with it; stored ones are read by the job's thread
                        GenerationRequest request = JobRows.request(rs);
                        if (rs.getBoolean("init_in_row")) {
                            request = request.toBuilder().images(rs.getBytes("init_image"), rs.getBytes("mask_image")).build();
                        }
                        List<byte[]> controlsInRow = ControlUnitRows.imagesInRow(rs.getArray("control_images"));
                        if (controlsInRow != null) {
                            request = request.withControls(ControlUnitRows.withImages(request.controls(), controlsInRow));
                        }
                        rows.add(new Object[] {Sql.instant(rs, "assigned_at"), rs.getLong("id"), new ClaimedJob(rs.getLong("id"),
                                rs.getInt("attempt"), rs.getLong("guild_id"), rs.getLong("user_id"), request, JobRows.inputs(rs))});
                    }
                }
                rows.sort(java.util.Comparator.comparing((Object[] r) -> (Instant) r[0]).thenComparing(r -> (Long) r[1]));
                rows.forEach(r -> claimed.add((ClaimedJob) r[2]));
            }
            return claimed;
        });
    }

    /**
     * Records progress, and the step preview (when there is one) in the unlogged job_previews, not in the job row;
     * false when the job is no longer this attempt's to run (cancelled or lease lost).
     */
    public boolean progress(ClaimedJob job, int step, int total, byte[] previewPng) {
        return Sql.withConnection(dataSource, "progress of job " + job.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("WITH p AS (UPDATE jobs SET progress_step = ?, progress_total = ?,"
                    + " updated_at = now() WHERE id = ? AND state = 'RUNNING' AND attempt = ? RETURNING id, attempt),"
                    + " v AS (INSERT INTO job_previews (job_id, attempt, png, updated_at) SELECT id, attempt, ?::bytea, now()"
                    + "   FROM p WHERE ?::bytea IS NOT NULL ON CONFLICT (job_id) DO UPDATE SET attempt = excluded.attempt,"
                    + "   png = excluded.png, updated_at = excluded.updated_at)"
                    + " SELECT count(*) FROM p")) {
                Sql.bind(ps, step, total, job.id(), job.attempt(), previewPng, previewPng);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1) == 1;
                }
            }
        });
    }

    /** A job the generator finished, with what it made (the images already in the image store, see ImageKeys#result). */
    public record Finished(ClaimedJob job, GenerationResult result) {
    }

    /**
     * RUNNING → SUCCEEDED for several of the worker's jobs at once, each with its images' keys, usage and the worker's
     * count, atomically, in one statement: the guarded update, and the rows that depend on it only for the jobs it
     * changed. Returns the ids stored; a job missing from it was fenced off (cancelled or lease lost). Stamped, and
     * billed to the day, on the database's clock (the day the quota counts), never the worker's.
     */
    public Set<Long> succeed(List<Finished> finished, String workerId) {
        String sql = "WITH input AS (SELECT * FROM unnest(?::bigint[], ?::int[], ?::int[], ?::bigint[]) AS i (id, attempt, images, gpu_ms)),"
                + " done AS (UPDATE jobs j SET state = 'SUCCEEDED', progress_step = j.progress_total, lease_expires_at = NULL,"
                + "   error = NULL, finished_at = now(), updated_at = now() FROM input i"
                + "   WHERE j.id = i.id AND j.state = 'RUNNING' AND j.attempt = i.attempt AND j.worker_id = ?"
                + "   RETURNING j.id, j.attempt, j.guild_id, j.user_id, i.images, i.gpu_ms),"
                + " images AS (INSERT INTO job_results (job_id, image_index, attempt, image_key, seed, safety, nsfw_scores, gpu_ms, created_at)"
                + "   SELECT d.id, v.idx, d.attempt, v.image_key, v.seed, v.safety, v.scores::real[], d.gpu_ms, now() FROM done d"
                + "   JOIN unnest(?::bigint[], ?::int[], ?::text[], ?::bigint[], ?::text[], ?::text[])"
                + "     AS v (job_id, idx, image_key, seed, safety, scores) ON v.job_id = d.id),"
                + " previews AS (DELETE FROM job_previews WHERE job_id IN (SELECT id FROM done)),"
                + " ledger AS (INSERT INTO usage_ledger (job_id, attempt, guild_id, user_id, worker_id, outcome, images, gpu_ms,"
                + "   usage_day, recorded_at) SELECT id, attempt, guild_id, user_id, ?, 'SUCCEEDED', images, gpu_ms, " + UsageStore.TODAY + ", now() FROM done),"
                // one row per member, in key order, so that two workers' writes cannot deadlock on the counters
                + " counters AS (INSERT INTO usage_counters (guild_id, user_id, usage_day, images, gpu_ms)"
                + "   SELECT guild_id, user_id, " + UsageStore.TODAY + ", sum(images), sum(gpu_ms) FROM done GROUP BY guild_id, user_id ORDER BY guild_id, user_id"
                + "   ON CONFLICT (guild_id, user_id, usage_day)"
                + "   DO UPDATE SET images = usage_counters.images + excluded.images, gpu_ms = usage_counters.gpu_ms + excluded.gpu_ms),"
                // matches (and locks) the worker row only after failures, so successes do not queue up on it
                + " healthy AS (UPDATE workers SET consecutive_failures = 0"
                + "   WHERE id = ? AND consecutive_failures > 0 AND EXISTS (SELECT 1 FROM done))"
                + " SELECT id FROM done";
        return Sql.withConnection(dataSource, "store results of " + finished.size() + " job(s)", c -> {
            List<Object> jobIds = new ArrayList<>();
            List<Object> jobAttempts = new ArrayList<>();
            List<Object> imageCounts = new ArrayList<>();
            List<Object> gpuMillis = new ArrayList<>();
            List<Object> imageJobs = new ArrayList<>();
            List<Object> indexes = new ArrayList<>();
            List<Object> keys = new ArrayList<>();
            List<Object> seeds = new ArrayList<>();
            List<Object> safety = new ArrayList<>();
            List<Object> scores = new ArrayList<>();
            for (Finished f : finished) {
                List<GeneratedImage> images = f.result().images();
                jobIds.add(f.job().id());
                jobAttempts.add(f.job().attempt());
                imageCounts.add(images.size());
                gpuMillis.add(f.result().gpuMillis());
                for (int i = 0; i < images.size(); i++) {
                    GeneratedImage image = images.get(i);
                    imageJobs.add(f.job().id());
                    indexes.add(i);
                    keys.add(ImageKeys.result(f.job().id(), f.job().attempt(), i));
                    seeds.add(image.seed());
                    safety.add(image.safety().name());
                    scores.add(arrayLiteral(image.nsfwScores()));
                }
            }
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                Sql.bind(ps, c.createArrayOf("bigint", jobIds.toArray()), c.createArrayOf("integer", jobAttempts.toArray()),
                        c.createArrayOf("integer", imageCounts.toArray()), c.createArrayOf("bigint", gpuMillis.toArray()),
                        workerId,
                        c.createArrayOf("bigint", imageJobs.toArray()), c.createArrayOf("integer", indexes.toArray()),
                        c.createArrayOf("text", keys.toArray()), c.createArrayOf("bigint", seeds.toArray()),
                        c.createArrayOf("text", safety.toArray()), c.createArrayOf("text", scores.toArray()),
                        workerId, workerId);
                Set<Long> stored = new HashSet<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        stored.add(rs.getLong(1));
                    }
                }
                return stored;
            }
        });
    }

    /** Whether results of this attempt are recorded (its images are the job's, whatever a later write says). */
    public boolean hasResults(ClaimedJob job) {
        return Sql.withConnection(dataSource, "results of job " + job.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM job_results WHERE job_id = ? AND attempt = ? LIMIT 1")) {
                Sql.bind(ps, job.id(), job.attempt());
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** A real[] literal: scores travel as text because arrays of arrays must be rectangular. */
    private static String arrayLiteral(float[] values) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; values != null && i < values.length; i++) {
            sb.append(i == 0 ? "" : ",").append(values[i]);
        }
        return sb.append('}').toString();
    }

    /**
     * RUNNING → QUEUED for another attempt, or → FAILED when the failure is permanent or the attempts
     * are used up. Returns the new state, or null when fenced off.
     *
     * @param countAgainstWorker false for bad requests, which say nothing about the worker's health
     */
    public JobState fail(ClaimedJob job, String workerId, String error, boolean permanent, boolean countAgainstWorker,
                         long gpuMillis, int quarantineAfter) {
        return Sql.inTransaction(dataSource, "record failure of job " + job.id(), c -> {
            JobState state;
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET"
                    + " state = CASE WHEN ? OR attempt >= max_attempts THEN 'FAILED' ELSE 'QUEUED' END,"
                    + " error = ?, lease_expires_at = NULL, progress_step = 0, preview_png = NULL,"
                    + " finished_at = CASE WHEN ? OR attempt >= max_attempts THEN now() END, updated_at = now()"
                    + " WHERE id = ? AND state = 'RUNNING' AND attempt = ? AND worker_id = ? RETURNING state")) {
                String reason = "attempt " + job.attempt() + " on worker " + workerId + " failed: " + error;
                Sql.bind(ps, permanent, reason, permanent, job.id(), job.attempt(), workerId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    state = JobState.valueOf(rs.getString(1));
                }
            }
            usage.recordUnbilled(c, job.id(), job.attempt(), job.guildId(), job.userId(), workerId,
                    state == JobState.FAILED ? "FAILED" : "RETRY", gpuMillis);
            if (countAgainstWorker) {
                workers.recordFailure(c, workerId, error, quarantineAfter);
            }
            return state;
        });
    }

    /**
     * Records the device time a cancelled attempt used, only when it really was this attempt that got cancelled.
     * Billed to the member when they cancelled it themselves (else running a large job, watching its previews and
     * cancelling at the last step would cost nothing); not when a moderator or an operator did.
     */
    public boolean recordCancelled(ClaimedJob job, String workerId, long gpuMillis) {
        return Sql.inTransaction(dataSource, "record cancellation of job " + job.id(), c -> {
            String reason;
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT error FROM jobs WHERE id = ? AND state = 'CANCELLED' AND attempt = ? AND worker_id = ?")) {
                Sql.bind(ps, job.id(), job.attempt(), workerId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    reason = rs.getString(1);
                }
            }
            if (JobStore.CANCELLED_BY_REQUESTER.equals(reason)) {
                usage.recordBilledCancellation(c, job.id(), job.attempt(), job.guildId(), job.userId(), workerId, gpuMillis);
            } else {
                usage.recordUnbilled(c, job.id(), job.attempt(), job.guildId(), job.userId(), workerId, "CANCELLED", gpuMillis);
            }
            return true;
        });
    }

    /**
     * On a clean shutdown, hands a job the worker started but could not finish within the grace period back to the queue:
     * RUNNING → QUEUED with the attempt it was given taken back (a shutdown is not the job's fault, so it uses up
     * none of its attempts), and nothing billed or written to the ledger (no image came of it). False when the job
     * is no longer this attempt's.
     */
    public boolean releaseRunning(ClaimedJob job, String workerId) {
        return Sql.update(dataSource, "release job " + job.id(),
                "UPDATE jobs SET state = 'QUEUED', attempt = attempt - 1, worker_id = NULL, lease_expires_at = NULL,"
                        + " progress_step = 0, preview_png = NULL, error = ?, updated_at = now()"
                        + " WHERE id = ? AND state = 'RUNNING' AND attempt = ? AND worker_id = ?",
                "worker " + workerId + " stopped during the attempt; queued again", job.id(), job.attempt(), workerId) == 1;
    }

    /**
     * On a clean shutdown, hands the jobs the worker has not started back to the queue, taking back the attempt the
     * assignment gave them (nothing ran; nobody holds that attempt: a claim re-reads it under the row lock).
     */
    public int releaseAssigned(String workerId) {
        return Sql.update(dataSource, "release jobs of " + workerId,
                "UPDATE jobs SET state = 'QUEUED', attempt = attempt - 1, worker_id = NULL, lease_expires_at = NULL, updated_at = now()"
                        + " WHERE worker_id = ? AND state = 'ASSIGNED'", workerId);
    }

    private static String prefixed(String columns) {
        StringBuilder sb = new StringBuilder();
        for (String column : columns.split(",\\s*")) {
            sb.append(sb.length() == 0 ? "" : ", ").append("j.").append(column.trim());
        }
        return sb.toString();
    }
}
