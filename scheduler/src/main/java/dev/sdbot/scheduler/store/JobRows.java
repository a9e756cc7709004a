package dev.sdbot.scheduler.store;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.api.HiresUpscaler;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.scheduler.JobInputs;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobView;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Maps job rows to values. No read here pulls an image's bytes: input images are keys into the image store (or, in
 * rows older than V34/V42, bytea columns only tested for presence); previews live in job_previews.
 */
final class JobRows {
    /** The request's columns as written by a submit, input images as image store keys. */
    static final String REQUEST_COLUMNS = "prompt, negative_prompt, model, sampler, steps, cfg_scale, width, height, seed,"
            + " image_count, init_image_key, strength, mask_image_key, clip_skip, hires_scale, hires_upscaler, hires_steps,"
            + " hires_strength, control_units, control_image_keys, upscaler, variation_seed, variation_strength";
    /** The input images' presence in rows written before the image store (V34; control images V42). */
    static final String LEGACY_INPUTS = "init_image IS NOT NULL AS init_in_row, mask_image IS NOT NULL AS mask_in_row,"
            + " control_images IS NOT NULL AS controls_in_row";
    static final String VIEW_COLUMNS = "id, state, " + REQUEST_COLUMNS + ", " + LEGACY_INPUTS + ", priority, attempt,"
            + " max_attempts, worker_id, progress_step, progress_total, error, guild_id, channel_id, user_id, interaction_id,"
            + " interaction_token, token_expires_at, posted_message_id, created_at, assigned_at, started_at,"
            + " finished_at, posted_at, updated_at";

    private JobRows() {
    }

    /** The request without its input images (see {@link #inputs}). */
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
                null,
                rs.getDouble("strength"),
                null,
                rs.getInt("clip_skip"),
                hires(rs),
                ControlUnitRows.read(rs),
                rs.getString("upscaler"),
                Sql.nullableLong(rs, "variation_seed"),
                rs.getDouble("variation_strength"));
    }

    static JobInputs inputs(ResultSet rs) throws SQLException {
        String init = rs.getString("init_image_key");
        String mask = rs.getString("mask_image_key");
        boolean initInRow = rs.getBoolean("init_in_row");
        boolean maskInRow = rs.getBoolean("mask_in_row");
        List<String> controls = ControlUnitRows.keys(rs);
        boolean controlsInRow = rs.getBoolean("controls_in_row");
        return init == null && mask == null && !initInRow && !maskInRow && controls.isEmpty() && !controlsInRow
                ? JobInputs.NONE : new JobInputs(init, mask, initInRow, maskInRow, controls, controlsInRow);
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
                inputs(rs),
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
