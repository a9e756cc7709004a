package dev.sdbot.bot.features.nsfw;

import dev.sdbot.inference.api.SafetyVerdict;

import java.util.Locale;

/**
 * The one place that decides how an image is shown, image by image. An image "passes" when the checker
 * found it clean (after the guild's threshold shift), when it is the worker's test pattern (no model drew it), or
 * when no checker saw it and the guild allows unchecked images. A passed image is posted normally. One that did not pass follows the channel's policy:
 * <ul>
 *   <li>BLOCK: not posted.</li>
 *   <li>BLUR: posted pixelated beyond recognition, behind a spoiler; never the original bytes.</li>
 *   <li>SPOILER: the original behind a spoiler in an age-restricted channel. A spoiler is one click away
 *       from the picture, so in an ordinary channel SPOILER acts as BLUR.</li>
 *   <li>ALLOW: posted openly in an age-restricted channel. In an ordinary channel it acts as BLOCK, the
 *       guild's safe default.</li>
 * </ul>
 * So in an ordinary channel an image that did not pass is never shown unobscured.
 */
public final class NsfwPolicy {

    /** A guild's or channel's setting ({@code nsfw_policy}). */
    public enum Policy {
        BLOCK, BLUR, SPOILER, ALLOW;

        /** The policy named (any case); IllegalArgumentException for anything else. */
        public static Policy parse(String name) {
            try {
                return valueOf(name.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException("unknown NSFW policy '" + name + "' (block, blur, spoiler or allow)");
            }
        }
    }

    /** What happens to one image. */
    public enum Treatment { POST, SPOILER, BLUR, BLOCK }

    /**
     * Everything about a channel that the decision depends on.
     *
     * @param policy         the channel's override, else the guild's policy
     * @param thresholdShift the guild's {@code nsfw_threshold_shift}, added to every concept score
     * @param allowUnchecked whether the guild lets unchecked images pass
     * @param ageRestricted  whether the channel is marked age-restricted
     */
    public record ChannelRules(Policy policy, float thresholdShift, boolean allowUnchecked, boolean ageRestricted) {
        /** The policy that actually applies here (ALLOW and SPOILER only take effect in age-restricted channels). */
        public Treatment notPassedTreatment() {
            return switch (policy) {
                case BLOCK -> Treatment.BLOCK;
                case BLUR -> Treatment.BLUR;
                case SPOILER -> ageRestricted ? Treatment.SPOILER : Treatment.BLUR;
                case ALLOW -> ageRestricted ? Treatment.POST : Treatment.BLOCK;
            };
        }
    }

    /**
     * @param verdict   the verdict after the guild's threshold shift
     * @param passed    whether the image passed (clean, or unchecked where allowed)
     * @param treatment how it is shown
     */
    public record Decision(SafetyVerdict verdict, boolean passed, Treatment treatment) {
    }

    public Decision decide(SafetyVerdict stored, float[] conceptScores, ChannelRules rules) {
        SafetyVerdict verdict = stored.withShift(conceptScores, rules.thresholdShift());
        // a test pattern is safe by construction (no model drew it): the quick start without a model posts it
        boolean passed = verdict == SafetyVerdict.CLEAN || verdict == SafetyVerdict.TEST_PATTERN
                || (verdict == SafetyVerdict.UNCHECKED && rules.allowUnchecked());
        return new Decision(verdict, passed, passed ? Treatment.POST : rules.notPassedTreatment());
    }
}
