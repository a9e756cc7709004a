package dev.sdbot.inference.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.safety.SafetyChecker;
import dev.sdbot.inference.safety.SafetyCheckerFolder;
import dev.sdbot.inference.safety.SafetyResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine's safety check on the fixture models: a model's own checker, the shared one for models without
 * (SD 2.x folder, single file), and UNCHECKED when neither exists. Scores are compared with mini-sd15's checker
 * run separately on the decoded PNG (lossless, so the same pixels the engine checked).
 */
class SafetyFallbackTest {
    private static final Path LDM = Fixtures.LDM;
    @TempDir
    static Path root;
    private static Path withoutShared;
    private static Path withShared;
    private static NDManager manager;
    private static SafetyChecker reference;

    @BeforeAll
    static void models() throws IOException {
        withoutShared = Files.createDirectories(root.resolve("plain"));
        withShared = Files.createDirectories(root.resolve("shared"));
        for (Path dir : List.of(withoutShared, withShared)) {
            Files.createSymbolicLink(dir.resolve("mini-sd15"), LDM.resolve("mini-sd15").toAbsolutePath());
            Files.createSymbolicLink(dir.resolve("mini-sd21v"), LDM.resolve("mini-sd21v").toAbsolutePath());
            Files.createSymbolicLink(dir.resolve("single.safetensors"), LDM.resolve("mini-sd15.safetensors").toAbsolutePath());
            // the tiny text encoder's head count, which a single file does not record
            Files.writeString(dir.resolve("single.json"), "{\"text_encoder\": {\"num_attention_heads\": 4}}");
        }
        Path shared = Files.createDirectories(withShared.resolve(SafetyCheckerFolder.SHARED_NAME));
        Files.createSymbolicLink(shared.resolve("config.json"), LDM.resolve("mini-sd15/safety_checker/config.json").toAbsolutePath());
        Files.createSymbolicLink(shared.resolve("model.safetensors"),
                LDM.resolve("mini-sd15/safety_checker/model.safetensors").toAbsolutePath());
        Files.createSymbolicLink(shared.resolve("preprocessor_config.json"),
                LDM.resolve("mini-sd15/feature_extractor/preprocessor_config.json").toAbsolutePath());
        manager = NDManager.newBaseManager();
        reference = SafetyCheckerFolder.open(LDM.resolve("mini-sd15")).load(manager);
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    private static GeneratedImage generate(DiffusionGenerator g, String model) throws Exception {
        GenerationRequest request = new GenerationRequest("a red apple", "", model, Sampler.DDIM, 2, 7.0, 64, 64, 11L, 1,
                null, 0.75, null, 1);
        return g.generate(request, ProgressListener.NONE).images().get(0);
    }

    /** A checked image: 17 concept scores, exactly the checker's on these pixels, and the verdict they give. */
    private static void assertChecked(GeneratedImage image) throws Exception {
        SafetyResult expected = reference.check(List.of(ImageCodec.decode(image.png()))).get(0);
        assertThat(image.nsfwScores()).hasSize(17).isEqualTo(expected.conceptScores());
        assertThat(image.safety()).isIn(SafetyVerdict.CLEAN, SafetyVerdict.FLAGGED)
                .isEqualTo(SafetyVerdict.decide(image.nsfwScores(), 0))
                .isEqualTo(expected.nsfw() ? SafetyVerdict.FLAGGED : SafetyVerdict.CLEAN);
    }

    @Test
    void withoutASharedCheckerOnlyTheModelWithItsOwnIsChecked() throws Exception {
        try (DiffusionGenerator g = new DiffusionGenerator(withoutShared, 4)) {
            assertThat(g.uncheckedModels()).containsExactlyInAnyOrder("mini-sd21v", "single");
            assertThat(g.loadedModels()).as("told without loading anything").isEmpty();

            assertChecked(generate(g, "mini-sd15"));
            for (String model : List.of("mini-sd21v", "single")) {
                GeneratedImage image = generate(g, model);
                assertThat(image.safety()).as(model).isEqualTo(SafetyVerdict.UNCHECKED);
                assertThat(image.nsfwScores()).as(model).isEmpty();
            }
        }
    }

    @Test
    void theSharedCheckerChecksModelsWithoutTheirOwn() throws Exception {
        try (DiffusionGenerator g = new DiffusionGenerator(withShared, 4)) {
            assertThat(g.availableModels()).containsExactlyInAnyOrder("mini-sd15", "mini-sd21v", "single");
            assertThat(g.uncheckedModels()).isEmpty();
            GeneratedImage sd21 = generate(g, "mini-sd21v");
            assertChecked(sd21);
            GeneratedImage single = generate(g, "single");
            assertChecked(single);
            GeneratedImage folder = generate(g, "mini-sd15");
            // the single file holds the folder's weights: same pixels, so the shared checker must agree with the own one
            assertThat(single.nsfwScores()).isEqualTo(folder.nsfwScores());
            assertThat(g.loadedModels()).containsExactlyInAnyOrder("mini-sd15", "mini-sd21v", "single");
        }
    }

    @Test
    void aSingleCheckpointGetsTheSharedCheckerItIsGiven() throws Exception {
        Path single = LDM.resolve("mini-sd15.safetensors");
        Path sidecar = root.resolve("one");
        Files.createDirectories(sidecar);
        Files.createSymbolicLink(sidecar.resolve("m.safetensors"), single.toAbsolutePath());
        Files.writeString(sidecar.resolve("m.json"), "{\"text_encoder\": {\"num_attention_heads\": 4}}");
        try (DiffusionGenerator unchecked = DiffusionGenerator.forCheckpoint("m", sidecar.resolve("m.safetensors"), Device.cpu())) {
            assertThat(unchecked.uncheckedModels()).containsExactly("m");
            assertThat(generate(unchecked, "m").safety()).isEqualTo(SafetyVerdict.UNCHECKED);
        }
        try (DiffusionGenerator checked = DiffusionGenerator.forCheckpoint("m", sidecar.resolve("m.safetensors"), Device.cpu(),
                DiffusionGenerator.DEFAULT_BATCH_PIXELS, Optional.of(SafetyCheckerFolder.open(withShared.resolve("safety-checker"))))) {
            assertThat(checked.uncheckedModels()).isEmpty();
            assertChecked(generate(checked, "m"));
        }
    }
}
