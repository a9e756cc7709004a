package dev.sdbot.inference.api;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.clip.ClipImageProcessor;
import dev.sdbot.inference.safety.SafetyChecker;
import dev.sdbot.inference.safety.SafetyResult;
import dev.sdbot.inference.weights.SafetensorsFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetyVerdictTest {
    private static final Path MODEL = Fixtures.LDM.resolve("mini-sd15");

    @Test
    void flaggedIffAnyShiftedScoreIsAboveZero() {
        float[] scores = {-0.2f, -0.05f, -0.1f};
        assertThat(SafetyVerdict.decide(scores, 0)).isEqualTo(SafetyVerdict.CLEAN);
        assertThat(SafetyVerdict.decide(scores, 0.05f)).as("-0.05 + 0.05 is not above 0").isEqualTo(SafetyVerdict.CLEAN);
        assertThat(SafetyVerdict.decide(scores, 0.051f)).isEqualTo(SafetyVerdict.FLAGGED);
        assertThat(SafetyVerdict.decide(new float[]{-0.3f, 0.001f}, 0)).isEqualTo(SafetyVerdict.FLAGGED);
        assertThat(SafetyVerdict.decide(new float[]{-0.3f, 0.001f}, -0.001f)).isEqualTo(SafetyVerdict.CLEAN);
        assertThat(SafetyVerdict.decide(new float[]{-0.3f, Float.NaN}, -1)).as("no answer is no pass")
                .isEqualTo(SafetyVerdict.FLAGGED);
    }

    @Test
    void anImageNoCheckerSawCannotBeDecidedAndStaysUnchecked() {
        assertThatThrownBy(() -> SafetyVerdict.decide(new float[0], 0)).hasMessageContaining("UNCHECKED");
        assertThatThrownBy(() -> SafetyVerdict.decide(null, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SafetyVerdict.decide(new float[]{-1}, Float.NaN)).hasMessageContaining("finite");
        assertThat(SafetyVerdict.UNCHECKED.withShift(new float[0], -1)).isEqualTo(SafetyVerdict.UNCHECKED);
        assertThat(SafetyVerdict.UNCHECKED.withShift(new float[]{-0.5f}, -1)).isEqualTo(SafetyVerdict.UNCHECKED);
        assertThat(SafetyVerdict.FLAGGED.withShift(new float[0], -1)).as("no scores stored: keeps its verdict")
                .isEqualTo(SafetyVerdict.FLAGGED);
        assertThat(SafetyVerdict.FLAGGED.withShift(new float[]{0.004f}, -0.01f)).isEqualTo(SafetyVerdict.CLEAN);
        assertThat(SafetyVerdict.CLEAN.withShift(new float[]{-0.004f}, 0.01f)).isEqualTo(SafetyVerdict.FLAGGED);
        assertThat(SafetyVerdict.CLEAN.withShift(new float[0], 0.1f)).as("stricter without scores: not passed")
                .isEqualTo(SafetyVerdict.UNCHECKED);
        assertThat(SafetyVerdict.CLEAN.withShift(new float[0], -0.1f)).isEqualTo(SafetyVerdict.CLEAN);
        assertThat(SafetyVerdict.FLAGGED.withShift(new float[]{0.004f}, 0)).as("shift 0: the checker's verdict")
                .isEqualTo(SafetyVerdict.FLAGGED);
    }

    /**
     * On diffusers' reference scores of mini-sd15's checker: the decision at shift 0 is diffusers' has_nsfw (image 2
     * through the special-care adjustment), the checker's own verdict agrees, and a shift decides on the stored
     * scores as the checker does with its thresholds moved by as much (where no special-care concept flips).
     */
    @Test
    void atShiftZeroItIsTheCheckersVerdict() {
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = SafetensorsFile.open(Fixtures.LDM.resolve("mini-sd15-reference/reference.safetensors"))) {
            float[] flat = ref.load("safety.concept_scores", m).toFloatArray();
            float[] hasNsfw = ref.load("safety.has_nsfw", m, DataType.FLOAT32).toFloatArray();
            int concepts = flat.length / hasNsfw.length;
            SafetyChecker checker = SafetyChecker.load(MODEL.resolve("safety_checker"),
                    ClipImageProcessor.fromJson(MODEL.resolve("feature_extractor/preprocessor_config.json")), m);
            List<SafetyResult> results = checker.check(ref.load("safety.in.pixel_values", m, DataType.FLOAT32));
            for (int i = 0; i < hasNsfw.length; i++) {
                float[] scores = java.util.Arrays.copyOfRange(flat, i * concepts, (i + 1) * concepts);
                SafetyVerdict expected = hasNsfw[i] > 0 ? SafetyVerdict.FLAGGED : SafetyVerdict.CLEAN;
                assertThat(SafetyVerdict.decide(scores, 0)).as("image " + i).isEqualTo(expected);
                assertThat(results.get(i).conceptScores()).as("stored scores are the reference's").isEqualTo(scores);
                assertThat(results.get(i).nsfw()).isEqualTo(expected == SafetyVerdict.FLAGGED);
            }
        }
    }
}
