package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.nn.Weights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * peft-format LoRAs whose alpha is not their rank (lora-peft/ in the test resources, made by make_peft_loras.py):
 * merged as peft and diffusers scale them, lora_alpha / r with rank_pattern and alpha_pattern per module.
 */
class PeftLoraMergerTest {
    static final Path RESOURCES = Path.of("src/test/resources/lora-peft");
    private static final double SCALE = 0.8;

    @Test
    void diffusersMetadataConfigScalesEveryModuleAsPeft() {
        assertMatchesReference(RESOURCES.resolve("diffusers-metadata.safetensors"), "diffusers-metadata", 15);
    }

    @Test
    void peftFolderConfigScalesEveryModuleAsPeft() {
        assertMatchesReference(RESOURCES.resolve("peft-folder/adapter_model.safetensors"), "peft-folder", 9);
    }

    @Test
    void aConfigWhoseRankIsNotTheTensorsIsRefused(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("bad"));
        Files.copy(RESOURCES.resolve("peft-folder/adapter_model.safetensors"), folder.resolve("adapter_model.safetensors"));
        Files.writeString(folder.resolve("adapter_config.json"), "{\"r\": 8, \"lora_alpha\": 8}");
        try (NDManager manager = NDManager.newBaseManager();
             ModelFiles model = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"))) {
            assertThatThrownBy(() -> LoraMerger.merge(folder.resolve("adapter_model.safetensors"), 1,
                    model.unet(manager), model.textEncoder(manager), manager))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("says r = 8");
        }
    }

    private static void assertMatchesReference(Path lora, String name, int modules) {
        try (NDManager manager = NDManager.newBaseManager();
             ModelFiles model = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"));
             SafetensorsFile reference = SafetensorsFile.open(RESOURCES.resolve("reference.safetensors"))) {
            assertThat(Double.parseDouble(reference.metadata().get("scale"))).isEqualTo(SCALE);
            LoraMerger.Merged merged = LoraMerger.merge(lora, SCALE, model.unet(manager), model.textEncoder(manager),
                    manager);
            assertThat(merged.modules()).isEqualTo(modules);
            String prefix = "merged." + name + ".";
            int compared = 0;
            for (String key : reference.keys()) {
                if (!key.startsWith(prefix)) {
                    continue;
                }
                String weight = key.substring(prefix.length());
                Weights part = weight.startsWith("unet.") ? merged.unet() : merged.textEncoder();
                NDArray actual = part.get(weight.substring(weight.indexOf('.') + 1));
                NDArray expected = reference.load(key, manager, DataType.FLOAT32);
                // fp32 sums of a rank-8 product of O(1) values: a few ulps of the largest element
                float bound = 1e-5f * Math.max(1, expected.abs().max().getFloat());
                assertThat(actual.sub(expected).abs().max().getFloat()).as(key).isLessThan(bound);
                compared++;
            }
            assertThat(compared).isEqualTo(modules);
        }
    }
}
