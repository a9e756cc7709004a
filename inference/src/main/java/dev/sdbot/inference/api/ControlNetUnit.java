package dev.sdbot.inference.api;

import dev.sdbot.inference.image.ImageCodec;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One ControlNet of a txt2img request (A1111's ControlNet unit), part of {@link GenerationRequest#controls()}.
 *
 * @param model        the ControlNet's name, as the workers publish it ({@code $SDBOT_MODELS/controlnet/NAME})
 * @param image        the encoded control image (PNG/JPEG/WebP)
 * @param preprocessor {@code none} (the image already is a pose skeleton, depth map, edge map...) or {@code canny}
 *                     ({@link #withPreprocessor} reads {@code canny:LOW:HIGH} as typed)
 * @param cannyLow     canny's low threshold (A1111's "Threshold A", default 100)
 * @param cannyHigh    canny's high threshold ("Threshold B", default 200)
 * @param weight       "Control Weight" (diffusers' {@code controlnet_conditioning_scale})
 * @param start        "Starting Control Step", a fraction of the steps
 * @param end          "Ending Control Step"
 * @param mode         "Control Mode"
 */
public record ControlNetUnit(String model, byte[] image, String preprocessor, int cannyLow, int cannyHigh,
                             double weight, double start, double end, ControlMode mode) {
    public static final double MAX_WEIGHT = 2;
    public static final int DEFAULT_CANNY_LOW = 100;
    public static final int DEFAULT_CANNY_HIGH = 200;
    /** Largest encoded control image (as /imagine's image attachments). */
    public static final int MAX_IMAGE_BYTES = 10 << 20;
    /** {@code canny:LOW:HIGH}; up to 4 digits each, so that the range check, not an overflow, answers. */
    private static final Pattern CANNY_THRESHOLDS = Pattern.compile("canny:(\\d{1,4}):(\\d{1,4})");

    public ControlNetUnit {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(image, "image");
        preprocessor = preprocessor == null ? "none" : preprocessor.toLowerCase(Locale.ROOT);
        mode = mode == null ? ControlMode.BALANCED : mode;
    }

    /** A unit with A1111's defaults: canny 100/200, weight 1, the whole schedule, balanced. */
    public static ControlNetUnit of(String model, byte[] image, String preprocessor) {
        return new ControlNetUnit(model, image, preprocessor, DEFAULT_CANNY_LOW, DEFAULT_CANNY_HIGH, 1, 0, 1,
                ControlMode.BALANCED);
    }

    public ControlNetUnit withWeight(double value) {
        return new ControlNetUnit(model, image, preprocessor, cannyLow, cannyHigh, value, start, end, mode);
    }

    public ControlNetUnit withGuidance(double from, double to) {
        return new ControlNetUnit(model, image, preprocessor, cannyLow, cannyHigh, weight, from, to, mode);
    }

    public ControlNetUnit withMode(ControlMode value) {
        return new ControlNetUnit(model, image, preprocessor, cannyLow, cannyHigh, weight, start, end, value);
    }

    public ControlNetUnit withCanny(int low, int high) {
        return new ControlNetUnit(model, image, preprocessor, low, high, weight, start, end, mode);
    }

    /**
     * The unit with a preprocessor written as members type it: {@code none}, {@code canny} (thresholds unchanged)
     * or {@code canny:LOW:HIGH} (A1111's Threshold A/B). Anything else is kept as written, so that
     * {@link #problem()} names it; the thresholds' range is checked there too.
     */
    public ControlNetUnit withPreprocessor(String spec) {
        String text = spec == null ? "none" : spec.strip().toLowerCase(Locale.ROOT);
        Matcher canny = CANNY_THRESHOLDS.matcher(text);
        if (canny.matches()) {
            return new ControlNetUnit(model, image, "canny", Integer.parseInt(canny.group(1)),
                    Integer.parseInt(canny.group(2)), weight, start, end, mode);
        }
        return new ControlNetUnit(model, image, text, cannyLow, cannyHigh, weight, start, end, mode);
    }

    /** What is wrong with the unit (its numbers, its image's size and kind), or null. */
    public String problem() {
        if (model.isBlank()) {
            return "the ControlNet must be named";
        }
        if (!preprocessor.equals("none") && !preprocessor.equals("canny")) {
            return "unknown control preprocessor '" + preprocessor + "': use none, canny or canny:LOW:HIGH";
        }
        if (!(weight >= 0 && weight <= MAX_WEIGHT)) {
            return "control weight must be between 0 and " + (int) MAX_WEIGHT + ", got " + weight;
        }
        if (!(start >= 0 && start <= end && end <= 1)) {
            return "control start/end must satisfy 0 <= start <= end <= 1, got " + start + " and " + end;
        }
        if (cannyLow < 1 || cannyHigh > 255 || cannyLow > cannyHigh) {
            return "canny thresholds must satisfy 1 <= low <= high <= 255, got " + cannyLow + " and " + cannyHigh;
        }
        if (image.length > MAX_IMAGE_BYTES) {
            return "the control image is " + image.length / 1024 + " KiB, at most " + MAX_IMAGE_BYTES / 1024
                    + " KiB allowed";
        }
        try { // the header only: pixels are decoded by the engine
            ImageCodec.checkPixels(ImageCodec.inspect(image));
        } catch (InvalidRequestException e) {
            return "the control image: " + e.getMessage();
        }
        return null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ControlNetUnit u && model.equals(u.model) && Arrays.equals(image, u.image)
                && preprocessor.equals(u.preprocessor) && cannyLow == u.cannyLow && cannyHigh == u.cannyHigh
                && Double.compare(weight, u.weight) == 0 && Double.compare(start, u.start) == 0
                && Double.compare(end, u.end) == 0 && mode == u.mode;
    }

    @Override
    public int hashCode() {
        return Objects.hash(model, Arrays.hashCode(image), preprocessor, cannyLow, cannyHigh, weight, start,
                end, mode);
    }

    @Override
    public String toString() {
        return "ControlNetUnit[" + model + ", " + image.length + " bytes, " + preprocessor + ", weight " + weight
                + ", " + start + ".." + end + ", " + mode.id() + "]";
    }
}
