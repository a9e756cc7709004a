package dev.sdbot.scheduler.store;

import dev.sdbot.inference.api.GenerationRequest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;

/**
 * Estimates the GPU time of work not yet in the ledger (a request about to be queued, a member's queued and
 * running jobs), so that a GPU-seconds quota can count it. The cost of a job is taken as proportional to
 * images x steps x pixels; the rate per pixel-step is measured per model from the guild's own last
 * {@link #HISTORY_ATTEMPTS} succeeded attempts (a bounded read on the submit path), and where a model has no
 * such history it is the conservative {@link #DEFAULT_MS_PER_MEGAPIXEL_STEP} (an SD 1.5 image of 512x512 at
 * 25 steps: about 3.3 s).
 */
public final class GpuTimeEstimates {
    /** GPU-milliseconds per megapixel and denoising step when a model has no recent history in the guild. */
    public static final double DEFAULT_MS_PER_MEGAPIXEL_STEP = 500;
    static final int HISTORY_ATTEMPTS = 500;

    /** Measured ms per pixel-step of each model, from the guild's latest succeeded attempts (guild bound once). */
    private static final String RATES = "SELECT j.model, sum(l.gpu_ms)::float8"
            + " / sum(l.images::float8 * j.steps * j.width * j.height) AS rate"
            + " FROM (SELECT job_id, images, gpu_ms FROM usage_ledger WHERE guild_id = ? AND outcome = 'SUCCEEDED'"
            + " AND images > 0 ORDER BY usage_day DESC LIMIT " + HISTORY_ATTEMPTS + ") l"
            + " JOIN jobs j ON j.id = l.job_id GROUP BY j.model";

    private static double defaultRate() {
        return DEFAULT_MS_PER_MEGAPIXEL_STEP / 1_000_000;
    }

    /** A member's usage as the quota counts it, read at one instant. */
    public record Usage(int imagesUsed, long gpuMillisUsed, int imagesPending, long gpuMillisInFlight, int activeJobs) {
    }

    /**
     * Today's billed images and GPU time, and the member's queued, assigned and running jobs (their images, count and
     * estimated GPU milliseconds), in one statement: one snapshot, so a job that finishes meanwhile is counted once
     * (as used or as pending), never in neither.
     */
    public Usage usage(Connection c, long guildId, long userId, LocalDate day) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("WITH rates AS (" + RATES + "),"
                + " active AS (SELECT a.image_count::float8 * a.steps * a.width * a.height * COALESCE(r.rate, ?) AS estimate,"
                + "   a.image_count FROM jobs a LEFT JOIN rates r ON r.model = a.model"
                + "   WHERE a.guild_id = ? AND a.user_id = ? AND a.state IN ('QUEUED', 'ASSIGNED', 'RUNNING')),"
                + " used AS (SELECT images, gpu_ms FROM usage_counters WHERE guild_id = ? AND user_id = ? AND usage_day = ?)"
                + " SELECT COALESCE((SELECT images FROM used), 0), COALESCE((SELECT gpu_ms FROM used), 0),"
                + "   (SELECT COALESCE(sum(image_count), 0) FROM active), (SELECT COALESCE(sum(estimate), 0) FROM active),"
                + "   (SELECT count(*) FROM active)")) {
            Sql.bind(ps, guildId, defaultRate(), guildId, userId, guildId, userId, day);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Usage(rs.getInt(1), rs.getLong(2), rs.getInt(3), (long) Math.ceil(rs.getDouble(4)), rs.getInt(5));
            }
        }
    }

    /** Estimated GPU milliseconds of one request in the guild. */
    public long requestMillis(Connection c, long guildId, GenerationRequest request) throws SQLException {
        double rate = defaultRate();
        try (PreparedStatement ps = c.prepareStatement("SELECT rate FROM (" + RATES + ") r WHERE model = ?")) {
            Sql.bind(ps, guildId, request.model());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    rate = rs.getDouble(1);
                }
            }
        }
        return (long) Math.ceil(rate * request.count() * request.steps() * request.width() * request.height());
    }
}
