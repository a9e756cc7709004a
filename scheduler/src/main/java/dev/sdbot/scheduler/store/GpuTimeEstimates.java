package dev.sdbot.scheduler.store;

import dev.sdbot.inference.api.GenerationRequest;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

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

    /** Estimated GPU milliseconds of the member's queued, assigned and running jobs in the guild. */
    public long inFlightMillis(Connection c, long guildId, long userId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("WITH rates AS (" + RATES + ")"
                + " SELECT COALESCE(sum(a.image_count::float8 * a.steps * a.width * a.height * COALESCE(r.rate, ?)), 0)"
                + " FROM jobs a LEFT JOIN rates r ON r.model = a.model"
                + " WHERE a.guild_id = ? AND a.user_id = ? AND a.state IN ('QUEUED', 'ASSIGNED', 'RUNNING')")) {
            Sql.bind(ps, guildId, defaultRate(), guildId, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return (long) Math.ceil(rs.getDouble(1));
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
