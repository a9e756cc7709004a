package dev.sdbot.bot.results;

import dev.sdbot.inference.api.SafetyVerdict;

/**
 * The guild's threshold shift applied to the checker's concept scores. The checker flags an image when any
 * concept score is above 0; the guild adds its shift to every score first (above 0 stricter, below 0 more
 * lenient). Fails closed: an unchecked image stays unchecked, and a verdict without scores cannot be made
 * more lenient (flagged stays flagged) nor stricter (clean becomes unchecked).
 */
public final class SafetyThreshold {
    private SafetyThreshold() {
    }

    public static SafetyVerdict verdict(SafetyVerdict stored, float[] conceptScores, float shift) {
        if (stored == SafetyVerdict.UNCHECKED || shift == 0) {
            return stored;
        }
        if (conceptScores == null || conceptScores.length == 0) {
            return stored == SafetyVerdict.CLEAN && shift > 0 ? SafetyVerdict.UNCHECKED : stored;
        }
        for (float score : conceptScores) {
            if (score + shift > 0) {
                return SafetyVerdict.FLAGGED;
            }
        }
        return SafetyVerdict.CLEAN;
    }
}
