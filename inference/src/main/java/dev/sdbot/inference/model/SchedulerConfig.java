package dev.sdbot.inference.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.sdbot.inference.weights.CheckpointException;

/**
 * Noise schedule the model was trained with (diffusers' scheduler_config.json).
 *
 * @param predictionType  {@code epsilon} or {@code v_prediction}
 * @param timestepSpacing {@code leading}, {@code linspace} or {@code trailing}; null when the model does not say,
 *                        so each sampler uses its diffusers default
 */
public record SchedulerConfig(
        int numTrainTimesteps,
        String betaSchedule,
        double betaStart,
        double betaEnd,
        String predictionType,
        int stepsOffset,
        String timestepSpacing,
        boolean setAlphaToOne,
        boolean clipSample,
        boolean skipPrkSteps) {

    public static final String EPSILON = "epsilon";
    public static final String V_PREDICTION = "v_prediction";

    /** The Stable Diffusion 1.x/2.x training schedule. */
    public static SchedulerConfig stableDiffusion(String predictionType) {
        return new SchedulerConfig(1000, "scaled_linear", 0.00085, 0.012, predictionType, 1, null, false, false, true);
    }

    /** A scheduler_config.json; fields it leaves out take Stable Diffusion's values. */
    public static SchedulerConfig fromJson(JsonObject c) {
        SchedulerConfig sd = stableDiffusion(EPSILON);
        try {
            String prediction = string(c, "prediction_type", sd.predictionType());
            if (!prediction.equals(EPSILON) && !prediction.equals(V_PREDICTION)) {
                throw new CheckpointException("unsupported prediction_type '" + prediction + "'");
            }
            return new SchedulerConfig(
                    present(c, "num_train_timesteps") ? c.get("num_train_timesteps").getAsInt() : sd.numTrainTimesteps(),
                    string(c, "beta_schedule", sd.betaSchedule()),
                    present(c, "beta_start") ? c.get("beta_start").getAsDouble() : sd.betaStart(),
                    present(c, "beta_end") ? c.get("beta_end").getAsDouble() : sd.betaEnd(),
                    prediction,
                    present(c, "steps_offset") ? c.get("steps_offset").getAsInt() : sd.stepsOffset(),
                    string(c, "timestep_spacing", null),
                    present(c, "set_alpha_to_one") ? c.get("set_alpha_to_one").getAsBoolean() : sd.setAlphaToOne(),
                    present(c, "clip_sample") ? c.get("clip_sample").getAsBoolean() : sd.clipSample(),
                    present(c, "skip_prk_steps") ? c.get("skip_prk_steps").getAsBoolean() : sd.skipPrkSteps());
        } catch (NumberFormatException | UnsupportedOperationException | IllegalStateException e) {
            throw new CheckpointException("invalid scheduler config: " + e.getMessage(), e);
        }
    }

    private static boolean present(JsonObject c, String key) {
        JsonElement e = c.get(key);
        return e != null && !e.isJsonNull();
    }

    private static String string(JsonObject c, String key, String fallback) {
        return present(c, key) ? c.get(key).getAsString() : fallback;
    }
}
