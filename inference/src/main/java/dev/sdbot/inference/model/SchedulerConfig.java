package dev.sdbot.inference.model;

import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.ConfigJson;

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
    public static SchedulerConfig fromJson(ConfigJson c) {
        SchedulerConfig sd = stableDiffusion(EPSILON);
        String prediction = c.getString("prediction_type", sd.predictionType());
        if (!prediction.equals(EPSILON) && !prediction.equals(V_PREDICTION)) {
            throw new CheckpointException("unsupported prediction_type '" + prediction + "'");
        }
        return new SchedulerConfig(
                c.getInt("num_train_timesteps", sd.numTrainTimesteps()),
                c.getString("beta_schedule", sd.betaSchedule()),
                c.getDouble("beta_start", sd.betaStart()),
                c.getDouble("beta_end", sd.betaEnd()),
                prediction,
                c.getInt("steps_offset", sd.stepsOffset()),
                c.getString("timestep_spacing", null),
                c.getBoolean("set_alpha_to_one", sd.setAlphaToOne()),
                c.getBoolean("clip_sample", sd.clipSample()),
                c.getBoolean("skip_prk_steps", sd.skipPrkSteps()));
    }
}
