package dev.sdbot.inference.weights;

import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

public class BadCheckpointTest {

    @Test
    void missingPath() {
        assertThatThrownBy(() -> CheckpointLoader.open(Path.of("/nonexistent/model.safetensors")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not found");
    }

    @Test
    void emptyFolder(@TempDir Path dir) {
        assertThatThrownBy(() -> CheckpointLoader.open(dir))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not a Stable Diffusion model folder")
                .hasMessageContaining("empty");
    }

    @Test
    void folderWithoutWeights(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("unet"));
        assertThatThrownBy(() -> CheckpointLoader.open(dir))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("no unet weights");
    }

    @Test
    void truncatedFile(@TempDir Path dir) throws IOException {
        byte[] bytes = Files.readAllBytes(Fixtures.LDM.resolve("mini-sd21v.safetensors"));
        Path file = dir.resolve("truncated.safetensors");
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> CheckpointLoader.open(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("truncated");
    }

    @Test
    void corruptFile(@TempDir Path dir) throws IOException {
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        Path file = dir.resolve("noise.safetensors");
        Files.write(file, noise);
        assertThatThrownBy(() -> CheckpointLoader.open(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not a safetensors file");
    }

    @Test
    void aCkptThatIsNotATorchArchiveIsRefused(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("model.ckpt"), "pickle");
        assertThatThrownBy(() -> CheckpointLoader.open(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not a torch zip archive");
    }

    @Test
    void loraIsNotACheckpoint() {
        assertThatThrownBy(() -> CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15-lora.safetensors")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("unknown architecture")
                .hasMessageContaining("LoRA");
    }

    @Test
    void sdxlWithoutItsOpenClipEncoderNamesWhatIsMissing(@TempDir Path dir) throws IOException {
        Path file = writeSafetensors(dir.resolve("any-name.safetensors"), Map.of(
                "model.diffusion_model.input_blocks.0.0.weight", new long[]{4, 4, 3, 3},
                "model.diffusion_model.label_emb.0.0.weight", new long[]{4, 4},
                "first_stage_model.encoder.conv_in.weight", new long[]{4, 3, 3, 3},
                "conditioner.embedders.0.transformer.text_model.final_layer_norm.weight", new long[]{4}));
        assertThatThrownBy(() -> CheckpointLoader.open(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("SDXL")
                .hasMessageContaining("lacks the OpenCLIP bigG text encoder (conditioner.embedders.1.model.*)");
    }

    @Test
    void sdxlWithoutItsClipLEncoderNamesWhatIsMissing(@TempDir Path dir) throws IOException {
        Path file = writeSafetensors(dir.resolve("model.safetensors"), Map.of(
                "model.diffusion_model.input_blocks.0.0.weight", new long[]{4, 4, 3, 3},
                "first_stage_model.encoder.conv_in.weight", new long[]{4, 3, 3, 3},
                "conditioner.embedders.1.model.ln_final.weight", new long[]{4}));
        assertThatThrownBy(() -> CheckpointLoader.open(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("SDXL")
                .hasMessageContaining("lacks the CLIP ViT-L text encoder (conditioner.embedders.0.transformer.*)");
    }

    @Test
    void unetWithUnexpectedLayoutIsUnknown(@TempDir Path dir) throws IOException {
        Path file = writeSafetensors(dir.resolve("odd.safetensors"), Map.of(
                "model.diffusion_model.input_blocks.0.0.weight", new long[]{4, 4, 3, 3},
                "model.diffusion_model.label_emb.0.1.weight", new long[]{4, 4},
                "first_stage_model.encoder.conv_in.weight", new long[]{4, 3, 3, 3},
                "cond_stage_model.transformer.text_model.final_layer_norm.weight", new long[]{4}));
        assertThatThrownBy(() -> CheckpointLoader.open(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("unknown architecture")
                .hasMessageContaining("label_emb");
    }

    @Test
    void checkpointWithoutTextEncoder(@TempDir Path dir) throws IOException {
        Path file = writeSafetensors(dir.resolve("unet-only.safetensors"), Map.of(
                "model.diffusion_model.input_blocks.0.0.weight", new long[]{4, 4, 3, 3}));
        assertThatThrownBy(() -> CheckpointLoader.open(file))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("no text encoder");
    }

    @Test
    void missingUNetWeightsAreReportedWhenDescribing(@TempDir Path dir) throws IOException {
        Path file = writeSafetensors(dir.resolve("partial.safetensors"), Map.of(
                "model.diffusion_model.input_blocks.0.0.weight", new long[]{4, 4, 3, 3},
                "first_stage_model.encoder.conv_in.weight", new long[]{4, 3, 3, 3},
                "cond_stage_model.transformer.text_model.final_layer_norm.weight", new long[]{4}));
        try (ModelFiles files = CheckpointLoader.open(file)) {
            assertThatThrownBy(files::description)
                    .isInstanceOf(CheckpointException.class).hasMessageContaining("unknown architecture")
                    .hasMessageContaining("lacks the weight");
        }
    }

    /** A minimal safetensors file of zero-filled F32 tensors. */
    public static Path writeSafetensors(Path file, Map<String, long[]> tensors) throws IOException {
        StringBuilder header = new StringBuilder("{");
        long offset = 0;
        for (Map.Entry<String, long[]> e : tensors.entrySet()) {
            long bytes = 4L * Arrays.stream(e.getValue()).reduce(1, (a, b) -> a * b);
            header.append(header.length() > 1 ? "," : "").append('"').append(e.getKey()).append("\":{\"dtype\":\"F32\",\"shape\":")
                    .append(Arrays.toString(e.getValue()).replace(" ", "")).append(",\"data_offsets\":[")
                    .append(offset).append(',').append(offset + bytes).append("]}");
            offset += bytes;
        }
        byte[] json = header.append('}').toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer buffer = ByteBuffer.allocate(8 + json.length + (int) offset).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(json.length).put(json);
        Files.write(file, buffer.array());
        return file;
    }
}
