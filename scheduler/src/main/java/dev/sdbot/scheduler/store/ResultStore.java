package dev.sdbot.scheduler.store;

import dev.sdbot.scheduler.JobResult;

import javax.sql.DataSource;
import dev.sdbot.inference.api.SafetyVerdict;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Result images of jobs. */
public final class ResultStore {
    private final DataSource dataSource;

    public ResultStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public List<JobResult> results(long jobId) {
        return Sql.withConnection(dataSource, "read results of job " + jobId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT job_id, image_index, attempt, png, seed, safety, nsfw_scores, gpu_ms"
                    + " FROM job_results WHERE job_id = ? ORDER BY image_index")) {
                Sql.bind(ps, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    List<JobResult> results = new ArrayList<>();
                    while (rs.next()) {
                        results.add(new JobResult(rs.getLong(1), rs.getInt(2), rs.getInt(3), rs.getBytes(4), rs.getLong(5),
                                SafetyVerdict.valueOf(rs.getString(6)), floats(rs.getArray(7)), rs.getLong(8)));
                    }
                    return results;
                }
            }
        });
    }

    /**
     * Retention: drops the PNG bytes of results created more than {@code retention} ago (the database's clock, the
     * one that stamped them); the rows stay for accounting.
     */
    public int purgeImagesOlderThan(Duration retention) {
        return Sql.update(dataSource, "purge old result images", "UPDATE job_results SET png = NULL, purged_at = now()"
                + " WHERE png IS NOT NULL AND created_at < now() - ? * interval '1 millisecond'", retention.toMillis());
    }

    /**
     * Retention: drops the images a job row carries (the last progress preview, the img2img init image, the
     * inpainting mask and the ControlNet units with their control images) of jobs that ended more than {@code retention} ago (the database's clock); the rows stay for
     * accounting.
     */
    public int purgeJobImagesOlderThan(Duration retention) {
        return Sql.update(dataSource, "purge old job images", PURGE_JOB_IMAGES, retention.toMillis());
    }

    /** The statement of {@link #purgeJobImagesOlderThan} (its plan is checked on a large table); bind the retention in ms. */
    public static final String PURGE_JOB_IMAGES = "UPDATE jobs SET preview_png = NULL, init_image = NULL, mask_image = NULL,"
            + " control_images = NULL, control_units = '[]', updated_at = now()"
            + " WHERE state IN ('POSTED', 'CANCELLED', 'FAILED', 'BLOCKED', 'SUCCEEDED')"
            + " AND finished_at < now() - ? * interval '1 millisecond'"
            + " AND (preview_png IS NOT NULL OR init_image IS NOT NULL OR mask_image IS NOT NULL"
            + " OR control_images IS NOT NULL)"; // jobs_images_retention_idx

    private static float[] floats(Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = ((Number) values[i]).floatValue();
        }
        return result;
    }
}
