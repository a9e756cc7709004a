package dev.sdbot.bot.features.nsfw;

import dev.sdbot.bot.features.nsfw.NsfwPolicy.ChannelRules;
import dev.sdbot.bot.features.nsfw.NsfwPolicy.Decision;
import dev.sdbot.bot.features.nsfw.NsfwPolicy.Policy;
import dev.sdbot.bot.features.nsfw.NsfwPolicy.Treatment;
import dev.sdbot.inference.api.SafetyVerdict;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NsfwPolicyTest {
    private final NsfwPolicy policy = new NsfwPolicy();

    /** stored verdict, concept scores (';'-separated, '-' for none), policy, age-restricted, allow unchecked, shift → verdict, passed, treatment. */
    @ParameterizedTest(name = "{0} {1} {2} ageRestricted={3} allowUnchecked={4} shift={5} → {6} {8}")
    @CsvSource({
            // clean images pass everywhere, unless the guild's shift makes them flagged
            "CLEAN,     -0.05;-0.2, BLOCK,   false, false,  0,     CLEAN,     true,  POST",
            "CLEAN,     -0.05;-0.2, ALLOW,   true,  false,  0,     CLEAN,     true,  POST",
            "CLEAN,     -0.05;-0.2, BLOCK,   false, false,  0.04,  CLEAN,     true,  POST",
            "CLEAN,     -0.05;-0.2, BLOCK,   false, false,  0.1,   FLAGGED,   false, BLOCK",
            "CLEAN,     -0.05;-0.2, BLUR,    false, false,  0.1,   FLAGGED,   false, BLUR",
            "CLEAN,     -0.05;-0.2, SPOILER, false, false,  0.1,   FLAGGED,   false, BLUR",
            "CLEAN,     -0.05;-0.2, SPOILER, true,  false,  0.1,   FLAGGED,   false, SPOILER",
            "CLEAN,     -0.05;-0.2, ALLOW,   false, false,  1,     FLAGGED,   false, BLOCK",
            "CLEAN,     -0.05;-0.2, ALLOW,   true,  false,  1,     FLAGGED,   false, POST",
            // flagged images per policy, ordinary and age-restricted channel
            "FLAGGED,   0.02;-0.3,  BLOCK,   false, false,  0,     FLAGGED,   false, BLOCK",
            "FLAGGED,   0.02;-0.3,  BLUR,    false, false,  0,     FLAGGED,   false, BLUR",
            "FLAGGED,   0.02;-0.3,  SPOILER, false, false,  0,     FLAGGED,   false, BLUR",
            "FLAGGED,   0.02;-0.3,  ALLOW,   false, false,  0,     FLAGGED,   false, BLOCK",
            "FLAGGED,   0.02;-0.3,  BLOCK,   true,  false,  0,     FLAGGED,   false, BLOCK",
            "FLAGGED,   0.02;-0.3,  BLUR,    true,  false,  0,     FLAGGED,   false, BLUR",
            "FLAGGED,   0.02;-0.3,  SPOILER, true,  false,  0,     FLAGGED,   false, SPOILER",
            "FLAGGED,   0.02;-0.3,  ALLOW,   true,  false,  0,     FLAGGED,   false, POST",
            "FLAGGED,   0.02;-0.3,  BLOCK,   false, true,   0,     FLAGGED,   false, BLOCK",
            // a negative shift is more lenient; a score exactly at 0 after the shift is not above it
            "FLAGGED,   0.02;-0.3,  BLOCK,   false, false,  -0.1,  CLEAN,     true,  POST",
            "FLAGGED,   0.02;-0.3,  BLOCK,   false, false,  -0.02, CLEAN,     true,  POST",
            "FLAGGED,   0.02;-0.3,  BLOCK,   false, false,  -0.01, FLAGGED,   false, BLOCK",
            // without scores a shift cannot be applied: fail closed
            "FLAGGED,   -,          BLOCK,   false, false,  -0.5,  FLAGGED,   false, BLOCK",
            "CLEAN,     -,          BLUR,    false, false,  0.5,   UNCHECKED, false, BLUR",
            "CLEAN,     -,          BLUR,    false, false,  0,     CLEAN,     true,  POST",
            // unchecked images are handled like flagged ones unless the guild allows them
            "UNCHECKED, -,          BLOCK,   false, false,  0,     UNCHECKED, false, BLOCK",
            "UNCHECKED, -,          BLUR,    false, false,  0,     UNCHECKED, false, BLUR",
            "UNCHECKED, -,          SPOILER, false, false,  0,     UNCHECKED, false, BLUR",
            "UNCHECKED, -,          ALLOW,   false, false,  0,     UNCHECKED, false, BLOCK",
            "UNCHECKED, -,          BLUR,    true,  false,  0,     UNCHECKED, false, BLUR",
            "UNCHECKED, -,          SPOILER, true,  false,  0,     UNCHECKED, false, SPOILER",
            "UNCHECKED, -,          ALLOW,   true,  false,  -1,    UNCHECKED, false, POST",
            "UNCHECKED, -,          BLOCK,   false, true,   0,     UNCHECKED, true,  POST",
            "UNCHECKED, -,          BLOCK,   false, true,   1,     UNCHECKED, true,  POST",
            // the worker's test pattern (no model drew it) is posted under every policy and shift
            "TEST_PATTERN, -,       BLOCK,   false, false,  0,     TEST_PATTERN, true, POST",
            "TEST_PATTERN, -,       BLUR,    false, false,  1,     TEST_PATTERN, true, POST",
            "TEST_PATTERN, -,       ALLOW,   false, false,  -1,    TEST_PATTERN, true, POST",
    })
    void decidesEachImage(SafetyVerdict stored, String scores, Policy channelPolicy, boolean ageRestricted,
                          boolean allowUnchecked, float shift, SafetyVerdict verdict, boolean passed, Treatment treatment) {
        Decision decision = policy.decide(stored, scores(scores),
                new ChannelRules(channelPolicy, shift, allowUnchecked, ageRestricted));
        assertThat(decision).isEqualTo(new Decision(verdict, passed, treatment));
    }

    @Test
    void inAnOrdinaryChannelAnImageThatDidNotPassIsNeverShownUnobscured() {
        float[][] scoreSets = {{}, {0.5f}, {-0.5f}, {0f}};
        for (SafetyVerdict stored : SafetyVerdict.values()) {
            for (float[] scores : scoreSets) {
                for (Policy p : Policy.values()) {
                    for (boolean allowUnchecked : new boolean[] {false, true}) {
                        for (float shift : new float[] {-1f, -0.3f, 0f, 0.3f, 1f}) {
                            Decision d = policy.decide(stored, scores, new ChannelRules(p, shift, allowUnchecked, false));
                            if (!d.passed()) {
                                assertThat(d.treatment()).as("%s %s %s", stored, Arrays.toString(scores), p)
                                        .isIn(Treatment.BLOCK, Treatment.BLUR);
                            }
                            if (d.verdict() == SafetyVerdict.FLAGGED) {
                                assertThat(d.passed()).isFalse();
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void policiesParseInAnyCaseAndUnknownOnesAreRefused() {
        assertThat(Policy.parse(" blur ")).isEqualTo(Policy.BLUR);
        assertThatThrownBy(() -> Policy.parse("POST")).hasMessageContaining("block, blur, spoiler or allow");
        assertThatThrownBy(() -> Policy.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    private static float[] scores(String text) {
        if (text.equals("-")) {
            return new float[0];
        }
        String[] parts = text.split(";");
        float[] scores = new float[parts.length];
        for (int i = 0; i < parts.length; i++) {
            scores[i] = Float.parseFloat(parts[i]);
        }
        return scores;
    }
}
