package dev.sdbot.scheduler.store;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.api.HiresUpscaler;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobView;

import java.sql.ResultSet;
import java.sql.SQLException;

/** Maps job rows to values. */
final class JobRows {
    static final String REQUEST_COLUMNS = "prompt, negative_prompt, model, sampler, steps, cfg_scale, width, height, seed,"
            + " image_count, init_image, strength, mask_image, clip_skip, hires_scale, hires_upscaler, hires_steps,"
            + " hires_strength, control_units, control_images";
    static final String VIEW_COLUMNS = "id, state, " + REQUEST_COLUMNS + ", priority, attempt, max_attempts, worker_id,"
            + " progress_step, progress_total, preview_png, error, guild_id, channel_id, user_id, interaction_id,"
            + " interaction_token, token_expires_at, posted_message_id, created_at, assigned_at, started_at,"
            + " finished_at, posted_at, updated_at";

    private JobRows() {
    }

    static GenerationRequest request(ResultSet rs) throws SQLException {
        return new GenerationRequest(
                rs.getString("prompt"),
                rs.getString("negative_prompt"),
                rs.getString("model"),
                Sampler.fromId(rs.getString("sampler")),
                rs.getInt("steps"),
                rs.getDouble("cfg_scale"),
                rs.getInt("width"),
                rs.getInt("height"),
                Sql.nullableLong(rs, "seed"),
                rs.getInt("image_count"),
                rs.getBytes("init_image"),
                rs.getDouble("strength"),
                rs.getBytes("mask_image"),
                rs.getInt("clip_skip"),
                hires(rs),
                ControlUnitRows.read(rs));
    }

    /** The job's hires fix, or null (hires_scale NULL). */
    private static HiresFix hires(ResultSet rs) throws SQLException {
        double scale = rs.getDouble("hires_scale");
        if (rs.wasNull()) {
            return null;
        }
        return new HiresFix(scale, HiresUpscaler.fromId(rs.getString("hires_upscaler")), rs.getInt("hires_steps"),
                rs.getDouble("hires_strength"));
    }

    /** The four hires_* column values of a request, in {@link #REQUEST_COLUMNS} order. */
    static Object[] hiresValues(GenerationRequest r) {
        HiresFix h = r.hires();
        return h == null ? new Object[] {null, null, 0, null}
                : new Object[] {h.scale(), h.upscaler().id(), h.steps(), h.strength()};
    }

    static JobView view(ResultSet rs) throws SQLException {
        return new JobView(
                rs.getLong("id"),
                JobState.valueOf(rs.getString("state")),
                request(rs),
                new JobOrigin(rs.getLong("guild_id"), rs.getLong("channel_id"), rs.getLong("user_id"),
                        rs.getLong("interaction_id"), rs.getString("interaction_token"), Sql.instant(rs, "token_expires_at")),
                rs.getInt("priority"),
                rs.getInt("attempt"),
                rs.getInt("max_attempts"),
                rs.getString("worker_id"),
                rs.getInt("progress_step"),
                rs.getInt("progress_total"),
                rs.getBytes("preview_png"),
                rs.getString("error"),
                Sql.nullableLong(rs, "posted_message_id"),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "assigned_at"),
                Sql.instant(rs, "started_at"),
                Sql.instant(rs, "finished_at"),
                Sql.instant(rs, "posted_at"),
                Sql.instant(rs, "updated_at"));
    }
}
