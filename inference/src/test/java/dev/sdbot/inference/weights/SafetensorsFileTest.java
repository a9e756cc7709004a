package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SafetensorsFileTest {

    @Test
    void fp16SingleFileAndFp32FolderHoldTheSameValues() {
        try (NDManager manager = NDManager.newBaseManager();
             SafetensorsFile single = SafetensorsFile.open(Fixtures.LDM.resolve("mini-sd15.safetensors"));
             SafetensorsFile folder = SafetensorsFile.open(
                     Fixtures.LDM.resolve("mini-sd15/unet/diffusion_pytorch_model.safetensors"))) {
            assertThat(single.info("model.diffusion_model.out.2.weight").dtype()).isEqualTo("F16");
            NDArray a = single.load("model.diffusion_model.out.2.weight", manager, DataType.FLOAT32);
            NDArray b = folder.load("conv_out.weight", manager, DataType.FLOAT32);
            assertThat(a.getShape()).isEqualTo(b.getShape());
            assertThat(a.contentEquals(b)).isTrue();
        }
    }

    @Test
    void readsInt64AndZeroDimTensors() {
        try (NDManager manager = NDManager.newBaseManager();
             SafetensorsFile single = SafetensorsFile.open(Fixtures.LDM.resolve("mini-sd15.safetensors"));
             SafetensorsFile lora = SafetensorsFile.open(Fixtures.LDM.resolve("mini-sd15-lora.safetensors"))) {
            String positionIds = single.keys().stream().filter(k -> k.endsWith("position_ids")).findFirst().orElseThrow();
            assertThat(single.load(positionIds, manager).getDataType()).isEqualTo(DataType.INT64);
            String alpha = lora.keys().stream().filter(k -> k.endsWith(".alpha")).findFirst().orElseThrow();
            NDArray a = lora.load(alpha, manager, DataType.FLOAT32);
            assertThat(a.getShape().dimension()).isZero();
            assertThat(a.getFloat()).isEqualTo(2f);
        }
    }

    @Test
    void bf16TensorsAreWidenedToFp32ExactlyInsteadOfAbortingLibtorch(@TempDir Path dir) throws IOException {
        float[] values = {1f, -2.5f, 0.15625f, 3.0e38f, -0f};
        java.nio.ByteBuffer data = java.nio.ByteBuffer.allocate(values.length * 2).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            data.putShort((short) (Float.floatToIntBits(v) >>> 16)); // all exactly representable in bf16's 8 bits
        }
        byte[] header = ("{\"w\":{\"dtype\":\"BF16\",\"shape\":[5],\"data_offsets\":[0,10]}}")
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.nio.ByteBuffer file = java.nio.ByteBuffer.allocate(8 + header.length + 10).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        file.putLong(header.length).put(header).put(data.array());
        Path path = dir.resolve("bf16.safetensors");
        Files.write(path, file.array());
        try (NDManager manager = NDManager.newBaseManager(); SafetensorsFile f = SafetensorsFile.open(path)) {
            NDArray a = f.load("w", manager);
            assertThat(a.getDataType()).isEqualTo(DataType.FLOAT32);
            float[] expected = {1f, -2.5f, 0.15625f, Float.intBitsToFloat(Float.floatToIntBits(3.0e38f) & 0xffff0000), -0f};
            assertThat(a.toFloatArray()).containsExactly(expected);
            assertThat(f.load("w", manager, DataType.FLOAT16).getDataType()).isEqualTo(DataType.FLOAT16);
        }
    }

    @Test
    void missingFileIsAClearError() {
        assertThatThrownBy(() -> SafetensorsFile.open(Path.of("/nonexistent/model.safetensors")))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not found");
    }

    @Test
    void truncatedFileIsRejected(@TempDir Path dir) throws IOException {
        byte[] bytes = Files.readAllBytes(Fixtures.LDM.resolve("mini-sd15-lora.safetensors"));
        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 100));
        assertThatThrownBy(() -> SafetensorsFile.open(truncated))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("truncated");
    }

    @Test
    void garbageIsRejected(@TempDir Path dir) throws IOException {
        Path garbage = dir.resolve("garbage.safetensors");
        Files.write(garbage, "this is not a checkpoint at all".getBytes());
        assertThatThrownBy(() -> SafetensorsFile.open(garbage))
                .isInstanceOf(CheckpointException.class).hasMessageContaining("not a safetensors file");
        byte[] corrupt = Files.readAllBytes(Fixtures.LDM.resolve("mini-sd15-lora.safetensors"));
        corrupt[8] = '['; // header JSON no longer an object
        Path badJson = dir.resolve("bad.safetensors");
        Files.write(badJson, corrupt);
        assertThatThrownBy(() -> SafetensorsFile.open(badJson)).isInstanceOf(CheckpointException.class);
    }
}
