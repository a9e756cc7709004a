package dev.sdbot.inference.model;

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
}
