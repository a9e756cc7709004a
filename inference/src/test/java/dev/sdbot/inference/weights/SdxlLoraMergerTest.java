package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.lora.LoraArchitecture;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.SdxlLoraChecks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** SDXL kohya LoRAs (lora-sdxl/ in the test resources) on the mini-sdxl folder and single file. */
class SdxlLoraMergerTest {
    static final Path RESOURCES = Path.of("src/test/resources/lora-sdxl");
    static final Path LORA = RESOURCES.resolve("mini-sdxl-lora.safetensors");
    private static final Path FOLDER = Fixtures.LDM.resolve("mini-sdxl");
    private static final Path SINGLE = Fixtures.LDM.resolve("mini-sdxl.safetensors");
    private static final Path MODEL_REFERENCE = Fixtures.LDM.resolve("mini-sdxl-reference/reference.safetensors");

    @Test
    void originalUNetNamesMapOntoTheDiffusersModules() {
        Map<String, String> cases = Map.of(
                "input_blocks_4_1_transformer_blocks_0_attn1_to_q", "down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q",
                "output_blocks_5_1_transformer_blocks_0_ff_net_0_proj", "up_blocks_1_attentions_2_transformer_blocks_0_ff_net_0_proj",
                "middle_block_1_proj_out", "mid_block_attentions_0_proj_out",
                "middle_block_2_in_layers_2", "mid_block_resnets_1_conv1",
                "input_blocks_7_0_emb_layers_1", "down_blocks_2_resnets_0_time_emb_proj",
                "output_blocks_3_0_skip_connection", "up_blocks_1_resnets_0_conv_shortcut",
                "input_blocks_3_0_op", "down_blocks_0_downsamplers_0_conv",
                "output_blocks_2_2_conv", "up_blocks_0_upsamplers_0_conv",
                "time_embed_0", "time_embedding_linear_1",
                "label_emb_0_2", "add_embedding_linear_2");
        cases.forEach((sgm, diffusers) ->
                assertThat(UNetKeyMap.kohyaDiffusersName(sgm, 2)).as(sgm).contains(diffusers));
        assertThat(UNetKeyMap.kohyaDiffusersName("not_a_unet_module", 2)).isEmpty();
    }

    @Test
    void folderAndSingleFileMatchDiffusersAndEachOther() {
        try (SdxlLoraChecks.LoraFixture lora = SdxlLoraChecks.fixture(RESOURCES, "mini-sdxl").orElseThrow();
             NDManager m = NDManager.newBaseManager();
             ModelFiles folder = CheckpointLoader.open(FOLDER);
             ModelFiles single = CheckpointLoader.open(SINGLE)) {
            List<CheckResult> results = new java.util.ArrayList<>(
                    SdxlLoraChecks.run("folder", folder, folder.description(), lora, MODEL_REFERENCE));
            results.addAll(SdxlLoraChecks.run("single file", single, folder.description(), lora, MODEL_REFERENCE));
            assertThat(results).hasSize(8).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());

            LoraMerger.Merged a = merge(folder, m);
            LoraMerger.Merged b = merge(single, m);
            try (SafetensorsFile file = SafetensorsFile.open(LORA)) {
                long pairs = file.keys().stream().filter(k -> k.endsWith(".lora_down.weight")).count();
                assertThat(a.modules()).isEqualTo(pairs).isGreaterThan(250);
            }
            for (Weights[] pair : List.of(new Weights[] {a.unet(), b.unet()}, new Weights[] {a.textEncoder(), b.textEncoder()},
                    new Weights[] {a.textEncoder2(), b.textEncoder2()})) {
                assertThat(pair[1].keys()).containsAll(pair[0].keys());
                for (String key : pair[0].keys()) {
                    assertThat(pair[0].get(key).contentEquals(pair[1].get(key))).as(key).isTrue();
                }
            }
            // encoder 2's q/k/v are thirds of the single file's stacked in_proj: each got its own delta
            String q = "text_model.encoder.layers.1.self_attn.q_proj.weight";
            try (ModelFiles base = CheckpointLoader.open(SINGLE)) {
                assertThat(b.textEncoder2().get(q).contentEquals(base.textEncoder2(m).orElseThrow().get(q))).isFalse();
            }
        }
    }

    @Test
    void diffusersAndPeftNamedLorasMergeLikeTheKohyaOne(@TempDir Path dir) throws IOException {
        try (NDManager m = NDManager.newBaseManager(); ModelFiles folder = CheckpointLoader.open(FOLDER)) {
            LoraMerger.Merged kohya = merge(folder, m);
            Map<String, NDArray> diffusers = new LinkedHashMap<>();
            Map<String, NDArray> peft = new LinkedHashMap<>();
            try (SafetensorsFile file = SafetensorsFile.open(LORA)) {
                // one module of each network, under the names diffusers' converter gives them
                Map<String, String> renames = Map.of(
                        "lora_unet_input_blocks_4_1_transformer_blocks_0_attn1_to_q", "unet.down_blocks.1.attentions.0.transformer_blocks.0.attn1.to_q",
                        "lora_unet_output_blocks_2_2_conv", "unet.up_blocks.0.upsamplers.0.conv",
                        "lora_te1_text_model_encoder_layers_1_self_attn_q_proj", "text_encoder.text_model.encoder.layers.1.self_attn.q_proj",
                        "lora_te2_text_model_encoder_layers_2_self_attn_out_proj", "text_encoder_2.text_model.encoder.layers.2.self_attn.out_proj");
                renames.forEach((k, d) -> {
                    // no alpha in these formats: scale up by alpha / rank = 2 / 4 instead
                    diffusers.put(d + ".lora.down.weight", file.load(k + ".lora_down.weight", m, DataType.FLOAT32).mul(0.5f));
                    diffusers.put(d + ".lora.up.weight", file.load(k + ".lora_up.weight", m, DataType.FLOAT32));
                    peft.put("base_model.model." + d + ".lora_A.weight", diffusers.get(d + ".lora.down.weight"));
                    peft.put("base_model.model." + d + ".lora_B.weight", diffusers.get(d + ".lora.up.weight"));
                });
                // diffusers 0.21's attention-processor naming of the same text-encoder module
                String proc = "text_encoder.text_model.encoder.layers.1.self_attn.to_q_lora";
                Map<String, NDArray> processor = Map.of(proc + ".down.weight", diffusers.get(
                                "text_encoder.text_model.encoder.layers.1.self_attn.q_proj.lora.down.weight"),
                        proc + ".up.weight", diffusers.get("text_encoder.text_model.encoder.layers.1.self_attn.q_proj.lora.up.weight"));
                for (Map<String, NDArray> tensors : List.of(diffusers, peft, processor)) {
                    Path path = write(dir.resolve("lora.safetensors"), tensors);
                    LoraMerger.Merged merged = LoraMerger.merge(path, 0.8, 0.8, folder.unet(m), folder.textEncoder(m),
                            folder.textEncoder2(m).orElseThrow(), m);
                    assertThat(merged.modules()).isEqualTo(tensors.size() / 2);
                    for (String key : tensors.keySet()) {
                        if (!key.matches(".*(\\.down\\.weight|lora_A\\.weight)$")) {
                            continue;
                        }
                        String module = key.replaceFirst("^base_model\\.model\\.", "")
                                .replaceFirst("(\\.lora\\.down|\\.lora_A|_lora\\.down)\\.weight$", "")
                                .replace("self_attn.to_q", "self_attn.q_proj");
                        String network = module.substring(0, module.indexOf('.'));
                        String weight = module.substring(network.length() + 1) + ".weight";
                        NDArray expected = part(kohya, network).get(weight);
                        assertThat(part(merged, network).get(weight).sub(expected).abs().max().getFloat())
                                .as(key).isLessThan(1e-6f);
                    }
                }
                assertThat(LoraArchitecture.of(write(dir.resolve("p.safetensors"), peft))).contains(ModelFamily.SDXL);
            }
        }
    }

    @Test
    void sdxlLoraOnSd15AndSd15LoraOnSdxlAreRefused() {
        try (NDManager m = NDManager.newBaseManager();
             ModelFiles sd15 = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"));
             ModelFiles xl = CheckpointLoader.open(FOLDER)) {
            assertThatThrownBy(() -> LoraMerger.merge(LORA, 1, sd15.unet(m), sd15.textEncoder(m), m))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("does not fit");
            assertThatThrownBy(() -> LoraMerger.merge(Fixtures.LDM.resolve("mini-sd15-lora.safetensors"), 1, 1,
                    xl.unet(m), xl.textEncoder(m), xl.textEncoder2(m).orElseThrow(), m))
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("does not fit");
        }
    }

    private static LoraMerger.Merged merge(ModelFiles files, NDManager m) {
        return LoraMerger.merge(LORA, 0.8, 0.8, files.unet(m), files.textEncoder(m), files.textEncoder2(m).orElseThrow(), m);
    }

    private static Weights part(LoraMerger.Merged merged, String network) {
        return switch (network) {
            case "unet" -> merged.unet();
            case "text_encoder" -> merged.textEncoder();
            default -> merged.textEncoder2();
        };
    }

    /** A float32 safetensors file of {@code tensors}. */
    private static Path write(Path file, Map<String, NDArray> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            long bytes = 4L * e.getValue().size();
            header.append(header.length() > 1 ? "," : "").append('"').append(e.getKey())
                    .append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.toString(e.getValue().getShape().getShape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(json.length).put(json);
        for (NDArray a : tensors.values()) {
            for (float v : a.toFloatArray()) {
                buffer.putFloat(v);
            }
        }
        Files.write(file, buffer.array());
        return file;
    }
}
