package dev.sdbot.inference.safety;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.weights.CheckpointException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Finding and validating a safety checker on disk, in both layouts, and every way it can be unusable. */
class SafetyCheckerFolderTest {
    private static final Path SD15 = Fixtures.LDM.resolve("mini-sd15");

    @TempDir
    Path dir;

    /** The CompVis layout: config, weights and preprocessor config side by side. */
    static Path compVisLayout(Path target) throws IOException {
        Files.createDirectories(target);
        Files.createSymbolicLink(target.resolve("config.json"), SD15.resolve("safety_checker/config.json").toAbsolutePath());
        Files.createSymbolicLink(target.resolve("model.safetensors"),
                SD15.resolve("safety_checker/model.safetensors").toAbsolutePath());
        Files.createSymbolicLink(target.resolve("preprocessor_config.json"),
                SD15.resolve("feature_extractor/preprocessor_config.json").toAbsolutePath());
        return target;
    }

    @Test
    void readsTheCompVisLayoutAndAPipelineFolder() throws IOException {
        SafetyCheckerFolder compVis = SafetyCheckerFolder.open(compVisLayout(dir.resolve("safety-checker")));
        assertThat(compVis.checkerDir()).isEqualTo(dir.resolve("safety-checker"));
        assertThat(compVis.preprocessorConfig()).isEqualTo(dir.resolve("safety-checker/preprocessor_config.json"));
        assertThat(SafetyCheckerFolder.shared(dir)).contains(compVis);
        assertThat(SafetyCheckerFolder.shared(dir.resolve("no-models-here"))).isEmpty();

        SafetyCheckerFolder pipeline = SafetyCheckerFolder.open(SD15);
        assertThat(pipeline.checkerDir()).isEqualTo(SD15.resolve("safety_checker"));
        assertThat(pipeline.preprocessorConfig()).isEqualTo(SD15.resolve("feature_extractor/preprocessor_config.json"));
        try (NDManager m = NDManager.newBaseManager()) {
            assertThat(compVis.load(m).check(java.util.List.of(new dev.sdbot.inference.image.RgbImage(64, 64,
                    new byte[64 * 64 * 3])))).singleElement().satisfies(r -> assertThat(r.conceptScores()).hasSize(17));
        }
    }

    @Test
    void anUnusableFolderIsAClearError() throws IOException {
        expect(dir.resolve("missing"), "no such directory");
        expect(Files.writeString(dir.resolve("a-file"), "x"), "not a directory");
        expect(Files.createDirectories(dir.resolve("empty")), "no config.json");
        expect(Fixtures.LDM.resolve("mini-sd21v/unet"), "not a safety checker config");

        Path noWeights = Files.createDirectories(dir.resolve("no-weights"));
        Files.copy(SD15.resolve("safety_checker/config.json"), noWeights.resolve("config.json"));
        expect(noWeights, "has no model.safetensors");

        Path wrongWeights = Files.createDirectories(dir.resolve("wrong-weights"));
        Files.copy(SD15.resolve("safety_checker/config.json"), wrongWeights.resolve("config.json"));
        Files.createSymbolicLink(wrongWeights.resolve("model.safetensors"),
                SD15.resolve("vae/diffusion_pytorch_model.safetensors").toAbsolutePath());
        expect(wrongWeights, "is not a StableDiffusionSafetyChecker");

        Path wrongCrop = compVisLayout(dir.resolve("wrong-crop"));
        Files.delete(wrongCrop.resolve("preprocessor_config.json"));
        Files.writeString(wrongCrop.resolve("preprocessor_config.json"),
                "{\"crop_size\": 256, \"size\": 256, \"do_center_crop\": true}");
        expect(wrongCrop, "224");
    }

    private static void expect(Path folder, String message) {
        assertThatThrownBy(() -> SafetyCheckerFolder.open(folder)).as(folder.toString())
                .isInstanceOf(CheckpointException.class).hasMessageContaining(message);
    }
}
