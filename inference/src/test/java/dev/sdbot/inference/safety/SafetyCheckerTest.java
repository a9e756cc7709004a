package dev.sdbot.inference.safety;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.clip.ClipImageProcessor;
import dev.sdbot.inference.image.ImageTensors;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.SafetensorsFile;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetyCheckerTest {
    private static final Path MODEL = Fixtures.LDM.resolve("mini-sd15");

    @Test
    void scoresRoundLikeNumpyFloat32() {
        assertThat(SafetyChecker.score(0.3f, 0.2f, 0f)).isEqualTo(0.1f);
        assertThat(SafetyChecker.score(0.0125f, 0f, 0f)).isEqualTo(0.012f); // 12.5 → 12 (half to even)
        assertThat(SafetyChecker.score(0.2f, 0.2f, 0.01f)).isEqualTo(0.01f);
    }

    @Test
    void checksDecodedImagesEndToEnd() {
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = SafetensorsFile.open(Fixtures.LDM.resolve("mini-sd15-reference/reference.safetensors"))) {
            ClipImageProcessor processor = ClipImageProcessor.fromJson(
                    MODEL.resolve("feature_extractor/preprocessor_config.json"));
            SafetyChecker checker = SafetyChecker.load(MODEL.resolve("safety_checker"), processor, m);
            List<RgbImage> images = ImageTensors.fromHwc(ref.load("safety.in.images_uint8", m));
            int arraysBefore = m.getManagedArrays().size();

            List<SafetyResult> results = checker.check(images);
            assertThat(results).extracting(SafetyResult::nsfw).containsExactly(true, false, true, false);
            // image 2 is flagged only through the special-care adjustment
            assertThat(results.get(2).specialCare()).isTrue();
            assertThat(m.getManagedArrays()).hasSize(arraysBefore);
        }
    }

    @Test
    void missingOrMismatchedCheckerIsAClearError(@org.junit.jupiter.api.io.TempDir Path empty) {
        try (NDManager m = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> SafetyChecker.load(empty, ClipImageProcessor.standard(), m))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("model.safetensors");
            ClipImageProcessor wrongCrop = new ClipImageProcessor(256, 256, 256,
                    ClipImageProcessor.standard().filter(), 1 / 255.0, ClipImageProcessor.standard().mean(),
                    ClipImageProcessor.standard().std());
            assertThatThrownBy(() -> SafetyChecker.load(MODEL.resolve("safety_checker"), wrongCrop, m))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("224");
        }
    }
}
