package dev.sdbot.inference.weights;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.clip.ClipActivation;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.CheckpointChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** mini-sdxl as a diffusers folder and as one original-format file, recognised from the weights. */
class SdxlCheckpointTest {
    /** The tiny model's head counts, which no weight shape shows (real SDXL's 64-wide heads are inferred). */
    private static final String SIDECAR = "{\"unet\": {\"attention_head_dim\": [2, 2, 4]},"
            + " \"text_encoder\": {\"num_attention_heads\": 2}, \"text_encoder_2\": {\"num_attention_heads\": 4}}";

    @Test
    void folderIsSdxl() {
        ModelDescription d = describe(Fixtures.LDM.resolve("mini-sdxl"));
        assertThat(d.family()).isEqualTo(ModelFamily.SDXL);
        UNetConfig unet = d.unet();
        assertThat(unet.textTimeConditioning()).isTrue();
        assertThat(unet.additionTimeEmbedDim()).isEqualTo(16);
        assertThat(unet.pooledTextDim()).isEqualTo(16);
        assertThat(unet.transformerLayers()).containsExactly(1, 1, 2);
        assertThat(unet.attentionHeads()).containsExactly(2, 2, 4);
        assertThat(unet.downBlockTypes().get(0)).isEqualTo(UNetConfig.DOWN);
        assertThat(d.textEncoder().activation()).isEqualTo(ClipActivation.QUICK_GELU);
        assertThat(d.textEncoder2().activation()).isEqualTo(ClipActivation.GELU);
        assertThat(d.vae().scalingFactor()).isEqualTo(0.13025);
        assertThat(d.scheduler().timestepSpacing()).isEqualTo("leading");
        assertThat(d.forceZerosForEmptyPrompt()).isTrue();
    }

    /** Named like any model download: the family comes from conditioner.embedders.1 / label_emb, not the name. */
    @Test
    void singleFileUnderAnyNameDescribesLikeTheFolder(@TempDir Path dir) throws IOException {
        Path copy = dir.resolve("downloaded-model.safetensors");
        Files.copy(Fixtures.LDM.resolve("mini-sdxl.safetensors"), copy);
        Files.writeString(dir.resolve("downloaded-model.json"), SIDECAR);
        try (ModelFiles single = CheckpointLoader.open(copy)) {
            assertThat(single.description()).isEqualTo(describe(Fixtures.LDM.resolve("mini-sdxl")));
            assertThat(single.tokenizer().padId()).isEqualTo(49407);
            assertThat(single.tokenizer2().orElseThrow().padId()).isZero();
        }
    }

    @Test
    void singleFileLoadsToTheFolderTensors() {
        try (ModelFiles single = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sdxl.safetensors"));
             ModelFiles folder = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sdxl"))) {
            List<CheckResult> results = CheckpointChecks.sameWeights("mini-sdxl", single, folder);
            assertThat(results).hasSize(4).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
        }
    }

    private static ModelDescription describe(Path path) {
        try (ModelFiles files = CheckpointLoader.open(path)) {
            return files.description();
        }
    }
}
