package dev.sdbot.scheduler.store;

import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.images.ImageKeys;
import dev.sdbot.scheduler.images.ImageStore;

import javax.sql.DataSource;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Result images of jobs: rows in job_results, bytes in the image store (or, for rows older than V34, in png). */
public final class ResultStore {
    private final DataSource dataSource;
    private final ImageStore images;

    public ResultStore(DataSource dataSource, ImageStore images) {
        this.dataSource = dataSource;
        this.images = images;
    }

    /** The job's results with their bytes (null where purged: a purged row has neither key nor bytes). */
    public List<JobResult> results(long jobId) {
        record Row(long jobId, int index, int attempt, String key, byte[] png, long seed, SafetyVerdict safety,
                   float[] scores, long gpuMillis) {
        }
        List<Row> rows = Sql.withConnection(dataSource, "read results of job " + jobId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT job_id, image_index, attempt, image_key, png, seed, safety,"
                    + " nsfw_scores, gpu_ms FROM job_results WHERE job_id = ? ORDER BY image_index")) {
                Sql.bind(ps, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    List<Row> found = new ArrayList<>();
                    while (rs.next()) {
                        found.add(new Row(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getString(4), rs.getBytes(5),
                                rs.getLong(6), SafetyVerdict.valueOf(rs.getString(7)), floats(rs.getArray(8)), rs.getLong(9)));
                    }
                    return found;
                }
            }
        });
        // the store is read outside the connection: a slow bucket holds no pooled connection
        return rows.stream().map(r -> new JobResult(r.jobId(), r.index(), r.attempt(),
                r.key() != null ? images.get(r.key()) : r.png(), r.seed(), r.safety(), r.scores(), r.gpuMillis())).toList();
    }

    /**
     * Retention: removes the images of results created more than {@code retention} ago (the database's clock, the one
     * that stamped them): every object stored under those jobs is deleted (orphans of crashed attempts too), then the
     * rows forget their keys (they stay for accounting). In that order, a purge interrupted between the two leaves keys
     * without objects, read as purged and deleted again by the next run, never objects that nothing points to.
     * Returns the images purged.
     */
    public int purgeImagesOlderThan(Duration retention) {
        int purged = 0;
        List<Long> jobs;
        do {
            jobs = Sql.withConnection(dataSource, "find old result images", c -> {
                try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT job_id FROM (SELECT job_id FROM job_results"
                        + " WHERE image_key IS NOT NULL AND created_at < now() - ? * interval '1 millisecond' LIMIT 500) old")) {
                    Sql.bind(ps, retention.toMillis());
                    List<Long> ids = new ArrayList<>();
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            ids.add(rs.getLong(1));
                        }
                    }
                    return ids;
                }
            });
            for (long job : jobs) {
                images.deletePrefix(ImageKeys.resultsOf(job));
            }
            if (!jobs.isEmpty()) {
                Object[] ids = jobs.toArray();
                purged += Sql.withConnection(dataSource, "forget purged result images", c -> {
                    try (PreparedStatement ps = c.prepareStatement("UPDATE job_results SET image_key = NULL, purged_at = now()"
                            + " WHERE job_id = ANY (?) AND image_key IS NOT NULL")) {
                        Sql.bind(ps, c.createArrayOf("bigint", ids));
                        return ps.executeUpdate();
                    }
                });
            }
        } while (!jobs.isEmpty());
        // rows older than the image store (V34) still carry their bytes
        return purged + Sql.update(dataSource, "purge old result images", "UPDATE job_results SET png = NULL, purged_at = now()"
                + " WHERE png IS NOT NULL AND created_at < now() - ? * interval '1 millisecond'", retention.toMillis());
    }

    /**
     * Retention: drops the input images (img2img init image, inpainting mask, ControlNet units with their control
     * images) of jobs that ended more than {@code retention} ago (the database's clock), from the store and the row, and
     * the bytes of rows older than the image store; the rows stay for accounting. Returns the jobs changed.
     */
    public int purgeJobImagesOlderThan(Duration retention) {
        record Keys(long id, List<String> keys) {
        }
        List<Keys> found = Sql.withConnection(dataSource, "find old job images", c -> {
            try (PreparedStatement ps = c.prepareStatement(FIND_JOB_IMAGES)) {
                Sql.bind(ps, retention.toMillis());
                List<Keys> keys = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(new Keys(rs.getLong(1), List.of((String[]) rs.getArray(2).getArray())));
                    }
                }
                return keys;
            }
        });
        if (found.isEmpty()) {
            return 0;
        }
        List<String> keys = found.stream().flatMap(k -> k.keys().stream()).toList();
        if (!keys.isEmpty()) {
            images.delete(keys); // before the rows forget them: a failure here leaves the keys for the next run
        }
        return Sql.withConnection(dataSource, "forget purged job images", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET init_image_key = NULL, mask_image_key = NULL,"
                    + " preview_png = NULL, init_image = NULL, mask_image = NULL, control_images = NULL,"
                    + " control_image_keys = NULL, control_units = '[]', updated_at = now() WHERE id = ANY (?)")) {
                Sql.bind(ps, c.createArrayOf("bigint", found.stream().map(Keys::id).toArray()));
                return ps.executeUpdate();
            }
        });
    }

    /** Removes the previews of attempts that are no longer running (cancelled, failed, taken back). */
    public int purgeStalePreviews() {
        return Sql.update(dataSource, "purge stale previews", "DELETE FROM job_previews p WHERE NOT EXISTS (SELECT 1 FROM jobs j"
                + " WHERE j.id = p.job_id AND j.state = 'RUNNING' AND j.attempt = p.attempt)");
    }

    /** The jobs whose images {@link #purgeJobImagesOlderThan} removes (its plan is checked on a large table); bind the retention in ms. */
    public static final String FIND_JOB_IMAGES = "SELECT id, " + StoredInputs.KEYS_OF_JOB + " FROM jobs"
            + " WHERE state IN ('POSTED', 'CANCELLED', 'FAILED', 'BLOCKED', 'SUCCEEDED')"
            + " AND finished_at < now() - ? * interval '1 millisecond'"
            + " AND (preview_png IS NOT NULL OR init_image IS NOT NULL OR mask_image IS NOT NULL"
            + " OR init_image_key IS NOT NULL OR mask_image_key IS NOT NULL OR control_images IS NOT NULL"
            + " OR control_image_keys IS NOT NULL)";
    // jobs_images_retention_idx (V40)

    private static float[] floats(Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = ((Number) values[i]).floatValue();
        }
        return result;
    }
}
