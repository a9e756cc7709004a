package dev.sdbot.inference.api;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Objects;

/**
 * One ControlNet of a txt2img request (A1111's ControlNet unit).
 *
 * @param model        the ControlNet's name (as listed in {@code $SDBOT_MODELS/controlnet})
 * @param weights      its folder or file
 * @param image        the encoded control image (PNG/JPEG/WebP)
 * @param preprocessor {@code none} (the image already is a pose skeleton, depth map, edge map...) or {@code canny}
 * @param cannyLow     canny's low threshold (A1111's "Threshold A", default 100)
 * @param cannyHigh    canny's high threshold ("Threshold B", default 200)
 * @param weight       "Control Weight" (diffusers' {@code controlnet_conditioning_scale})
 * @param start        "Starting Control Step", a fraction of the steps
 * @param end          "Ending Control Step"
 */
public record ControlNetUnit(String model, Path weights, byte[] image, String preprocessor, int cannyLow, int cannyHigh,
                             double weight, double start, double end) {
    public static final double MAX_WEIGHT = 2;

    public ControlNetUnit {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(image, "image");
        preprocessor = preprocessor == null ? "none" : preprocessor.toLowerCase(Locale.ROOT);
    }

    /** What is wrong with the unit's numbers, or null. */
    public String problem() {
        if (!preprocessor.equals("none") && !preprocessor.equals("canny")) {
            return "unknown control preprocessor '" + preprocessor + "': use none or canny";
        }
        if (!(weight >= 0 && weight <= MAX_WEIGHT)) {
            return "control weight must be between 0 and " + MAX_WEIGHT + ", got " + weight;
        }
        if (!(start >= 0 && start <= end && end <= 1)) {
            return "control start/end must satisfy 0 <= start <= end <= 1, got " + start + " and " + end;
        }
        if (cannyLow < 1 || cannyHigh > 255 || cannyLow > cannyHigh) {
            return "canny thresholds must satisfy 1 <= low <= high <= 255, got " + cannyLow + " and " + cannyHigh;
        }
        return null;
    }
}
