package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.LoraChecks;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoraMergerTest {
    private static final Path LORA = Fixtures.LDM.resolve("mini-sd15-lora.safetensors");

    @Test
    void mergesEveryModuleAndLeavesTheBaseUntouched() {
        try (NDManager manager = NDManager.newBaseManager();
             ModelFiles model = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"));
             SafetensorsFile lora = SafetensorsFile.open(LORA)) {
            Weights unet = model.unet(manager);
            Weights text = model.textEncoder(manager);
            LoraMerger.Merged merged = LoraMerger.merge(LORA, 0.8, unet, text, manager);
            assertThat(merged.modules()).isEqualTo(lora.keys().size() / 3);

            // a 1x1 conv (proj_in): up [out, r, 1, 1] @ down [r, in, 1, 1]
            String conv = "down_blocks.0.attentions.0.proj_in.weight";
            NDArray down = lora.load("lora_unet_down_blocks_0_attentions_0_proj_in.lora_down.weight", manager, DataType.FLOAT32);
            NDArray up = lora.load("lora_unet_down_blocks_0_attentions_0_proj_in.lora_up.weight", manager, DataType.FLOAT32);
            NDArray expected = unet.get(conv).add(up.squeeze().matMul(down.squeeze()).mul(0.8f * 2 / 4).reshape(unet.get(conv).getShape()));
            assertThat(merged.unet().get(conv).sub(expected).abs().max().getFloat()).isLessThan(1e-6f);
            assertThat(merged.unet().get(conv).contentEquals(unet.get(conv))).isFalse();

            String fc1 = "text_model.encoder.layers.1.mlp.fc1.weight";
            assertThat(merged.textEncoder().get(fc1).contentEquals(text.get(fc1))).isFalse();
            // weights the LoRA does not touch are shared, not copied
            assertThat(merged.unet().get("conv_in.weight")).isSameAs(unet.get("conv_in.weight"));
        }
    }

    @Test
    void mergingIntoHalfPrecisionWeightsKeepsThemHalf() {
        try (NDManager manager = NDManager.newBaseManager();
             ModelFiles model = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"))) {
            Weights unet = model.unet(manager).castTo(DataType.FLOAT16);
            Weights text = model.textEncoder(manager).castTo(DataType.FLOAT16);
            LoraMerger.Merged merged = LoraMerger.merge(LORA, 1, unet, text, manager);
            for (Weights w : List.of(merged.unet(), merged.textEncoder())) {
                assertThat(w.keys()).allSatisfy(k -> assertThat(w.get(k).getDataType()).as(k).isEqualTo(DataType.FLOAT16));
            }
        }
    }

    @Test
    void mergedModelMatchesTheReference() {
        List<CheckResult> results = LoraChecks.run(Fixtures.LDM);
        assertThat(results).hasSize(2).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
    }

    @Test
    void loraForAnotherModelIsRefused() {
        try (NDManager manager = NDManager.newBaseManager();
             ModelFiles model = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd21v"))) {
            Weights unet = model.unet(manager);
            Weights text = model.textEncoder(manager);
            assertThatThrownBy(() -> LoraMerger.merge(LORA, 1, unet, text, manager))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("does not fit");
        }
    }

    @Test
    void checkpointIsNotALora() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Weights empty = new Weights(java.util.Map.of(), "empty");
            assertThatThrownBy(() -> LoraMerger.merge(Fixtures.LDM.resolve("mini-sd15/vae/diffusion_pytorch_model.safetensors"),
                    1, empty, empty, manager))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("unsupported LoRA tensor");
        }
    }
}
