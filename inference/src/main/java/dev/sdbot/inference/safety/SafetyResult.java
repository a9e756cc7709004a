package dev.sdbot.inference.safety;

/**
 * The safety checker's verdict on one image.
 *
 * @param nsfw          true when any concept score is above zero (or NaN), see {@code SafetyVerdict.decide}
 * @param conceptScores per NSFW concept: {@code round(cos - threshold + adjustment, 3)}
 * @param specialScores per special-care concept, same formula
 */
public record SafetyResult(boolean nsfw, float[] conceptScores, float[] specialScores) {

    /** True when a special-care concept fired, which tightens the concept thresholds by 0.01. */
    public boolean specialCare() {
        for (float s : specialScores) {
            if (s > 0) {
                return true;
            }
        }
        return false;
    }
}
