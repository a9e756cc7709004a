package dev.sdbot.scheduler.store;

import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.scheduler.JobState;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A worker's writes for the jobs it runs. Every write names the job's id, expected state and the
 * attempt the worker was given, so a worker whose lease was taken away changes nothing.
 */
public final class AttemptStore {
    private final DataSource dataSource;
    private final ResultStore results;
    private final UsageStore usage;
    private final WorkerStore workers;

    public AttemptStore(DataSource dataSource) {
        this.dataSource = dataSource;
        this.results = new ResultStore(dataSource);
        this.usage = new UsageStore(dataSource);
        this.workers = new WorkerStore(dataSource);
    }

    /** ASSIGNED → RUNNING for up to {@code limit} of the worker's assigned jobs, oldest assignment first. */
    public List<ClaimedJob> claim(String workerId, int limit, Instant now, Duration lease) {
        return Sql.inTransaction(dataSource, "claim jobs for " + workerId, c -> {
            List<Long> ids = new ArrayList<>();
            List<Integer> attempts = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, attempt FROM jobs WHERE worker_id = ? AND state = 'ASSIGNED'"
                    + " ORDER BY assigned_at, id LIMIT ?")) {
                Sql.bind(ps, workerId, limit);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                        attempts.add(rs.getInt(2));
                    }
                }
            }
            List<ClaimedJob> claimed = new ArrayList<>();
            if (ids.isEmpty()) {
                return claimed;
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs j SET state = 'RUNNING', started_at = ?, updated_at = ?,"
                    + " lease_expires_at = ? FROM (SELECT unnest(?::bigint[]) AS id, unnest(?::int[]) AS attempt) a"
                    + " WHERE j.id = a.id AND j.state = 'ASSIGNED' AND j.attempt = a.attempt AND j.worker_id = ?"
                    + " RETURNING j.id, j.attempt, j.guild_id, j.user_id, " + prefixed(JobRows.REQUEST_COLUMNS))) {
                Sql.bind(ps, now, now, now.plus(lease), c.createArrayOf("bigint", ids.toArray()),
                        c.createArrayOf("integer", attempts.toArray()), workerId);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        claimed.add(new ClaimedJob(rs.getLong("id"), rs.getInt("attempt"), rs.getLong("guild_id"),
                                rs.getLong("user_id"), JobRows.request(rs)));
                    }
                }
            }
            return claimed;
        });
    }

    /** Records progress; false when the job is no longer this attempt's to run (cancelled or lease lost). */
    public boolean progress(ClaimedJob job, int step, int total, byte[] previewPng, Instant now) {
        return Sql.update(dataSource, "progress of job " + job.id(),
                "UPDATE jobs SET progress_step = ?, progress_total = ?, preview_png = COALESCE(?, preview_png), updated_at = ?"
                        + " WHERE id = ? AND state = 'RUNNING' AND attempt = ?",
                step, total, previewPng, now, job.id(), job.attempt()) == 1;
    }

    /** RUNNING → SUCCEEDED with the images, the usage and the worker's count, atomically; false when fenced off. */
    public boolean succeed(ClaimedJob job, String workerId, GenerationResult result, Instant now) {
        return Sql.inTransaction(dataSource, "store result of job " + job.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET state = 'SUCCEEDED', progress_step = progress_total,"
                    + " lease_expires_at = NULL, error = NULL, finished_at = ?, updated_at = ?"
                    + " WHERE id = ? AND state = 'RUNNING' AND attempt = ? AND worker_id = ?")) {
                Sql.bind(ps, now, now, job.id(), job.attempt(), workerId);
                if (ps.executeUpdate() != 1) {
                    return false;
                }
            }
            results.insert(c, job.id(), job.attempt(), result.images(), result.gpuMillis(), now);
            usage.record(c, job.id(), job.attempt(), job.guildId(), job.userId(), workerId, JobState.SUCCEEDED.name(),
                    result.images().size(), result.gpuMillis(), now);
            workers.recordSuccess(c, workerId);
            return true;
        });
    }

    /**
     * RUNNING → QUEUED for another attempt, or → FAILED when the failure is permanent or the attempts
     * are used up. Returns the new state, or null when fenced off.
     *
     * @param countAgainstWorker false for bad requests, which say nothing about the worker's health
     */
    public JobState fail(ClaimedJob job, String workerId, String error, boolean permanent, boolean countAgainstWorker,
                         long gpuMillis, int quarantineAfter, Instant now) {
        return Sql.inTransaction(dataSource, "record failure of job " + job.id(), c -> {
            JobState state;
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET"
                    + " state = CASE WHEN ? OR attempt >= max_attempts THEN 'FAILED' ELSE 'QUEUED' END,"
                    + " error = ?, lease_expires_at = NULL, progress_step = 0, preview_png = NULL,"
                    + " finished_at = CASE WHEN ? OR attempt >= max_attempts THEN ?::timestamptz END, updated_at = ?"
                    + " WHERE id = ? AND state = 'RUNNING' AND attempt = ? AND worker_id = ? RETURNING state")) {
                String reason = "attempt " + job.attempt() + " on worker " + workerId + " failed: " + error;
                Sql.bind(ps, permanent, reason, permanent, now, now, job.id(), job.attempt(), workerId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return null;
                    }
                    state = JobState.valueOf(rs.getString(1));
                }
            }
            usage.record(c, job.id(), job.attempt(), job.guildId(), job.userId(), workerId,
                    state == JobState.FAILED ? "FAILED" : "RETRY", 0, gpuMillis, now);
            if (countAgainstWorker) {
                workers.recordFailure(c, workerId, error, quarantineAfter, now);
            }
            return state;
        });
    }

    /** Records the device time a cancelled attempt used, only when it really was this attempt that got cancelled. */
    public boolean recordCancelled(ClaimedJob job, String workerId, long gpuMillis, Instant now) {
        return Sql.inTransaction(dataSource, "record cancellation of job " + job.id(), c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT 1 FROM jobs WHERE id = ? AND state = 'CANCELLED' AND attempt = ? AND worker_id = ?")) {
                Sql.bind(ps, job.id(), job.attempt(), workerId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                }
            }
            usage.record(c, job.id(), job.attempt(), job.guildId(), job.userId(), workerId, "CANCELLED", 0, gpuMillis, now);
            return true;
        });
    }

    /** On a clean shutdown, hands the jobs the worker has not started back to the queue. */
    public int releaseAssigned(String workerId, Instant now) {
        return Sql.update(dataSource, "release jobs of " + workerId,
                "UPDATE jobs SET state = 'QUEUED', worker_id = NULL, lease_expires_at = NULL, updated_at = ?"
                        + " WHERE worker_id = ? AND state = 'ASSIGNED'", now, workerId);
    }

    private static String prefixed(String columns) {
        StringBuilder sb = new StringBuilder();
        for (String column : columns.split(",\\s*")) {
            sb.append(sb.length() == 0 ? "" : ", ").append("j.").append(column.trim());
        }
        return sb.toString();
    }
}
