package dev.sdbot.inference.lora;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.ModelFamily;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class LoraArchitectureTest {
    @TempDir
    Path dir;

    @Test
    void theFixtureLoraIsOfTheSd1Layout() {
        assertThat(LoraArchitecture.of(Fixtures.LDM.resolve("mini-sd15-lora.safetensors"))).contains(ModelFamily.SD1);
    }

    @Test
    void sdxlNamesMakeAnSdxlLora() throws Exception {
        assertThat(LoraArchitecture.of(TinyLoraFiles.writeSdxl(dir.resolve("te1.safetensors")))).contains(ModelFamily.SDXL);
        assertThat(LoraArchitecture.of(TinyLoraFiles.write(dir.resolve("te2.safetensors"),
                "lora_te2_text_model_encoder_layers_0_mlp_fc1.lora_down.weight"))).contains(ModelFamily.SDXL);
        assertThat(LoraArchitecture.of(TinyLoraFiles.write(dir.resolve("unet.safetensors"),
                "lora_unet_input_blocks_4_1_proj_in.lora_down.weight"))).contains(ModelFamily.SDXL);
        assertThat(LoraArchitecture.of(TinyLoraFiles.write(dir.resolve("label.safetensors"),
                "lora_unet_label_emb_0_0.lora_down.weight"))).contains(ModelFamily.SDXL);
    }

    @Test
    void sd1NamesMakeAnSd1LoraAndOtherFilesAreUnknown() throws Exception {
        assertThat(LoraArchitecture.of(TinyLoraFiles.write(dir.resolve("sd.safetensors"),
                "lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight"))).contains(ModelFamily.SD1);
        assertThat(LoraArchitecture.of(TinyLoraFiles.write(dir.resolve("other.safetensors"), "model.weight")))
                .isEqualTo(Optional.empty());
        Path notSafetensors = Files.writeString(dir.resolve("junk.safetensors"), "junk");
        assertThat(LoraArchitecture.of(notSafetensors)).isEmpty();
    }

    @Test
    void anSdxlLoraFitsOnlySdxlModelsAndAnSd1LoraBothSd1AndSd2() {
        assertThat(ModelFamily.SDXL.loraFits(ModelFamily.SDXL)).isTrue();
        assertThat(ModelFamily.SDXL.loraFits(ModelFamily.SD1)).isFalse();
        assertThat(ModelFamily.SDXL.loraFits(ModelFamily.SD2)).isFalse();
        assertThat(ModelFamily.SD1.loraFits(ModelFamily.SD1)).isTrue();
        assertThat(ModelFamily.SD1.loraFits(ModelFamily.SD2)).isTrue();
        assertThat(ModelFamily.SD1.loraFits(ModelFamily.SDXL)).isFalse();
    }
}
