package dev.sdbot.inference.sampling;

import java.util.Locale;

/** What the UNet predicts: the added noise (SD 1.x, SD 2.x base) or the velocity v (SD 2.x 768-v). */
public enum PredictionType {
    EPSILON, V_PREDICTION;

    public static PredictionType fromConfig(String value) {
        if (value == null) {
            return EPSILON;
        }
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "epsilon" -> EPSILON;
            case "v_prediction" -> V_PREDICTION;
            default -> throw new IllegalArgumentException("unsupported prediction_type '" + value
                    + "' (expected epsilon or v_prediction)");
        };
    }
}
