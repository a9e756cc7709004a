package dev.sdbot.scheduler.store;

import dev.sdbot.scheduler.JobResult;

import javax.sql.DataSource;
import dev.sdbot.inference.api.SafetyVerdict;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
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

    /** Retention: drops the PNG bytes of results created before {@code cutoff}; the rows stay for accounting. */
    public int purgeImagesBefore(Instant cutoff, Instant now) {
        return Sql.update(dataSource, "purge old result images",
                "UPDATE job_results SET png = NULL, purged_at = ? WHERE png IS NOT NULL AND created_at < ?", now, cutoff);
    }

    /**
     * Retention: drops the images a job row carries (the last progress preview, the img2img init image and the
     * inpainting mask) of jobs that ended before {@code cutoff}; the rows stay for accounting.
     */
    public int purgeJobImagesBefore(Instant cutoff, Instant now) {
        return Sql.update(dataSource, "purge old job images",
                "UPDATE jobs SET preview_png = NULL, init_image = NULL, mask_image = NULL, updated_at = ?"
                        + " WHERE state IN ('POSTED', 'CANCELLED', 'FAILED', 'BLOCKED', 'SUCCEEDED') AND finished_at < ?"
                        + " AND (preview_png IS NOT NULL OR init_image IS NOT NULL OR mask_image IS NOT NULL)", now, cutoff);
    }

    private static float[] floats(Array array) throws SQLException {
        Object[] values = (Object[]) array.getArray();
        float[] result = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            result[i] = ((Number) values[i]).floatValue();
        }
        return result;
    }
}
