package dev.sdbot.inference.api;

/**
 * What the safety checker said of one image. {@link #UNCHECKED} means no checker saw it (the model has
 * none and no shared one is installed): it is never treated as clean. {@link #TEST_PATTERN} is not a checker's
 * verdict: no model made the image, the worker's built-in test pattern drew it (gradients and checks from the seed
 * and a hash of the prompt, nothing a prompt or an input image can shape), so it is safe by construction. Only the
 * test-pattern generator gives it; the engine never does, with or without a checker.
 */
public enum SafetyVerdict {
    CLEAN, FLAGGED, UNCHECKED, TEST_PATTERN;

    /** Whether an image with this verdict may be shown where only checked, clean images may be. */
    public boolean passed() {
        return this == CLEAN;
    }

    /**
     * The verdict on a checked image from the checker's concept scores (see {@link GeneratedImage#nsfwScores()}),
     * with every score shifted by {@code shift}: FLAGGED iff any {@code score + shift > 0}. At shift 0 this is the
     * checker's own verdict; a positive shift is stricter (flags images whose score is above {@code -shift}), a
     * negative one more lenient. A score that is not a number (the checker saw NaN pixels) flags the image: a check
     * that gave no answer has not passed.
     *
     * @throws IllegalArgumentException when there are no scores (an image no checker saw is {@link #UNCHECKED})
     *                                  or the shift is not finite
     */
    public static SafetyVerdict decide(float[] conceptScores, float shift) {
        if (conceptScores == null || conceptScores.length == 0) {
            throw new IllegalArgumentException("no concept scores: an image that no checker saw is UNCHECKED");
        }
        if (!Float.isFinite(shift)) {
            throw new IllegalArgumentException("the threshold shift must be a finite number, got " + shift);
        }
        for (float score : conceptScores) {
            if (!(score + shift <= 0)) {
                return FLAGGED;
            }
        }
        return CLEAN;
    }

    /**
     * This stored verdict re-decided under a guild's threshold shift: an UNCHECKED image stays UNCHECKED and a
     * TEST_PATTERN one a TEST_PATTERN (no checker scored either); at shift 0
     * the checker's own verdict stands; otherwise a checked image is {@link #decide decided} from its stored concept
     * scores. Fails closed without scores: FLAGGED cannot be made more lenient, and CLEAN cannot be made stricter,
     * so it becomes UNCHECKED.
     */
    public SafetyVerdict withShift(float[] conceptScores, float shift) {
        if (this == UNCHECKED || this == TEST_PATTERN || shift == 0) {
            return this;
        }
        if (conceptScores == null || conceptScores.length == 0) {
            return this == CLEAN && shift > 0 ? UNCHECKED : this;
        }
        return decide(conceptScores, shift);
    }
}
