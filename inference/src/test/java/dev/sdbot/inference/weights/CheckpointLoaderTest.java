package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.clip.ClipActivation;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.model.SchedulerConfig;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.CheckpointChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CheckpointLoaderTest {
    private static final String SD15_SIDECAR = "{\"text_encoder\": {\"num_attention_heads\": 4}}";
    private static final String SD21V_SIDECAR =
            "{\"unet\": {\"attention_head_dim\": [2, 4, 4, 4]}, \"text_encoder\": {\"num_attention_heads\": 4}}";

    @Test
    void sd15SingleFileLoadsExactlyLikeTheFolder() {
        assertSameWeights("mini-sd15");
    }

    @Test
    void sd21vSingleFileLoadsExactlyLikeTheFolder() {
        assertSameWeights("mini-sd21v");
    }

    private static void assertSameWeights(String model) {
        try (ModelFiles single = CheckpointLoader.open(Fixtures.LDM.resolve(model + ".safetensors"));
             ModelFiles folder = CheckpointLoader.open(Fixtures.LDM.resolve(model))) {
            assertThat(single.format()).isEqualTo(ModelFiles.Format.SINGLE_FILE);
            assertThat(folder.format()).isEqualTo(ModelFiles.Format.DIFFUSERS_FOLDER);
            List<CheckResult> results = CheckpointChecks.sameWeights(model, single, folder);
            assertThat(results).hasSize(3).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
        }
    }

    @Test
    void sd15DescriptionsAgree(@TempDir Path dir) throws IOException {
        ModelDescription folder = describe(Fixtures.LDM.resolve("mini-sd15"));
        assertThat(folder.family()).isEqualTo(ModelFamily.SD1);
        assertThat(folder.unet().attentionHeads()).containsExactly(8, 8, 8, 8);
        assertThat(folder.unet().useLinearProjection()).isFalse();
        assertThat(folder.predictionType()).isEqualTo(SchedulerConfig.EPSILON);
        assertThat(folder.inpainting()).isFalse();
        assertThat(describe(withSidecar(dir, "mini-sd15", SD15_SIDECAR))).isEqualTo(folder);
    }

    @Test
    void sd21vDescriptionsAgree(@TempDir Path dir) throws IOException {
        ModelDescription folder = describe(Fixtures.LDM.resolve("mini-sd21v"));
        assertThat(folder.family()).isEqualTo(ModelFamily.SD2);
        assertThat(folder.unet().attentionHeads()).containsExactly(2, 4, 4, 4);
        assertThat(folder.unet().useLinearProjection()).isTrue();
        assertThat(folder.unet().upcastAttention()).isTrue();
        assertThat(folder.textEncoder().activation()).isEqualTo(ClipActivation.GELU);
        assertThat(folder.textEncoder().numLayers()).isEqualTo(3);
        assertThat(folder.predictionType()).isEqualTo(SchedulerConfig.V_PREDICTION);
        assertThat(describe(withSidecar(dir, "mini-sd21v", SD21V_SIDECAR))).isEqualTo(folder);
    }

    @Test
    void nineInputChannelsIsInpainting() {
        UNetConfig unet = UNetConfig.fromJson(Fixtures.LDM.resolve("mini-sd15-inpainting/unet/config.json"));
        assertThat(unet.inChannels()).isEqualTo(9);
    }

    @Test
    void folderTokenizerPadsAsConfigured() {
        try (ModelFiles sd15 = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"));
             ModelFiles sd21 = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd21v"))) {
            assertThat(sd15.tokenizer().padId()).isEqualTo(49407);
            assertThat(sd21.tokenizer().padId()).isZero();
        }
    }

    @Test
    void singleFileWithoutSidecarUsesConventionsAndSaysWhatIsMissing() {
        try (ModelFiles single = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd21v.safetensors"))) {
            assertThatThrownBy(single::description).isInstanceOf(CheckpointException.class)
                    .hasMessageContaining("sidecar");
        }
    }

    @Test
    void sidecarOverridesThePredictionType(@TempDir Path dir) throws IOException {
        String sidecar = SD21V_SIDECAR.replace("}}", "}, \"scheduler\": {\"prediction_type\": \"epsilon\"}}");
        ModelDescription d = describe(withSidecar(dir, "mini-sd21v", sidecar));
        assertThat(d.predictionType()).isEqualTo(SchedulerConfig.EPSILON);
        assertThat(d.unet().upcastAttention()).isFalse();
    }

    @Test
    void a1111YamlNextToTheFileGivesHeadsAndParameterization(@TempDir Path dir) throws IOException {
        Path file = withSidecar(dir, "mini-sd21v", "{\"text_encoder\": {\"num_attention_heads\": 4}}");
        Files.writeString(dir.resolve("mini-sd21v.yaml"), """
                model:
                  target: ldm.models.diffusion.ddpm.LatentDiffusion
                  params:
                    parameterization: "v"
                    linear_start: 0.00085
                    linear_end: 0.0120
                    timesteps: 1000
                    scale_factor: 0.18215
                    unet_config:
                      target: ldm.modules.diffusionmodules.openaimodel.UNetModel
                      params:
                        num_head_channels: 16 # the fixture's head width
                        use_linear_in_transformer: True
                    first_stage_config:
                      params:
                        embed_dim: 4
                """);
        assertThat(describe(file)).isEqualTo(describe(Fixtures.LDM.resolve("mini-sd21v")));

        // LDM's default parameterization is eps; num_heads is a count for every block
        Files.writeString(dir.resolve("mini-sd21v.yaml"), """
                model:
                  params:
                    unet_config:
                      params:
                        num_heads: 4
                        num_head_channels: -1
                """);
        ModelDescription eps = describe(file);
        assertThat(eps.predictionType()).isEqualTo(SchedulerConfig.EPSILON);
        assertThat(eps.unet().attentionHeads()).containsExactly(4, 4, 4, 4);
    }

    @Test
    void singleFileTokenizerPadsLikeTheFamily(@TempDir Path dir) throws IOException {
        try (ModelFiles single = CheckpointLoader.open(withSidecar(dir, "mini-sd21v", SD21V_SIDECAR))) {
            assertThat(single.tokenizer().padId()).isZero();
        }
    }

    @Test
    void safetyCheckerComesOnlyFromFolders() {
        try (NDManager manager = NDManager.newBaseManager();
             ModelFiles sd15 = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"));
             ModelFiles sd21 = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd21v"));
             ModelFiles single = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15.safetensors"))) {
            Weights checker = sd15.safetyChecker(manager).orElseThrow();
            assertThat(checker.keys()).contains("concept_embeds", "visual_projection.weight");
            assertThat(sd21.safetyChecker(manager)).isEmpty();
            assertThat(single.safetyChecker(manager)).isEmpty();
        }
    }

    @Test
    void textEncoderDropsPositionIdsAndTheLastOpenClipLayer() {
        try (NDManager manager = NDManager.newBaseManager();
             ModelFiles sd15 = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15.safetensors"));
             ModelFiles sd21 = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd21v.safetensors"))) {
            assertThat(sd15.textEncoder(manager).keys()).noneMatch(k -> k.contains("position_ids"));
            Weights text = sd21.textEncoder(manager);
            assertThat(text.indices("text_model.encoder.layers")).isEqualTo(Set.of(0, 1, 2));
            assertThat(text.get("text_model.encoder.layers.0.self_attn.q_proj.weight").getShape().getShape())
                    .containsExactly(64, 64);
        }
    }

    private static ModelDescription describe(Path path) {
        try (ModelFiles files = CheckpointLoader.open(path)) {
            return files.description();
        }
    }

    /** A copy of the fixture file in {@code dir} with a sidecar config next to it. */
    static Path withSidecar(Path dir, String model, String sidecar) throws IOException {
        Path copy = dir.resolve(model + ".safetensors");
        Files.copy(Fixtures.LDM.resolve(model + ".safetensors"), copy);
        Files.writeString(dir.resolve(model + ".json"), sidecar);
        return copy;
    }
}
