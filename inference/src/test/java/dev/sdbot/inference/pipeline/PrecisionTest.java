package dev.sdbot.inference.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.model.VaeConfig;
import dev.sdbot.inference.selftest.Parity;
import dev.sdbot.inference.selftest.PrecisionChecks;
import dev.sdbot.inference.vae.Vae;
import dev.sdbot.inference.weights.SafetensorsWeights;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PrecisionTest {

    @Test
    void autoIsFp32OnTheCpuAndUnsupportedPrecisionsAreRefusedWithTheReason() {
        assertThat(Precision.parse(null)).isEqualTo(Precision.AUTO);
        assertThat(Precision.parse(" FP16 ")).isEqualTo(Precision.FP16);
        assertThat(Precision.AUTO.computeType(Device.cpu())).isEqualTo(DataType.FLOAT32);
        assertThat(Precision.AUTO.computeType(Device.gpu(0))).isEqualTo(DataType.FLOAT16);
        assertThat(Precision.FP16.computeType(Device.gpu(1))).isEqualTo(DataType.FLOAT16);
        assertThat(Precision.FP32.computeType(Device.gpu(0))).isEqualTo(DataType.FLOAT32);
        assertThatThrownBy(() -> Precision.parse("half")).hasMessageContaining("auto, fp32, fp16, bf16");
        assertThatThrownBy(() -> Precision.FP16.computeType(Device.cpu())).hasMessageContaining("120x slower");
        assertThatThrownBy(() -> Precision.BF16.computeType(Device.cpu())).hasMessageContaining("no bfloat16 dtype");
    }

    @Test
    void theVaeRunsInFp32WhereTheConfigOrTheFamilySaysSo(@TempDir Path dir) throws Exception {
        Path bare = Files.createDirectories(dir.resolve("bare"));
        assertThat(VaePrecision.vaeType(DataType.FLOAT16, ModelFamily.SD1, bare)).isEqualTo(DataType.FLOAT16);
        assertThat(VaePrecision.vaeType(DataType.FLOAT16, ModelFamily.SD2, bare)).isEqualTo(DataType.FLOAT32);
        assertThat(VaePrecision.vaeType(DataType.FLOAT32, ModelFamily.SD2, bare)).isEqualTo(DataType.FLOAT32);
        Path fixed = Files.createDirectories(dir.resolve("fixed/vae"));
        Files.writeString(fixed.resolve("config.json"), "{\"force_upcast\": false}");
        assertThat(VaePrecision.vaeType(DataType.FLOAT16, ModelFamily.SD2, dir.resolve("fixed")))
                .isEqualTo(DataType.FLOAT16);
        // the fixtures were saved by a recent diffusers, which writes force_upcast: true
        assertThat(VaePrecision.vaeType(DataType.FLOAT16, ModelFamily.SD1, Fixtures.LDM.resolve("mini-sd15")))
                .isEqualTo(DataType.FLOAT32);
    }

    @Test
    void anFp16VaeDecodesWithinTheHalfPrecisionBound() {
        Path folder = Fixtures.LDM.resolve("mini-sd15");
        Path reference = Fixtures.LDM.resolve("mini-sd15-reference/reference.safetensors");
        try (NDManager m = NDManager.newBaseManager()) {
            Vae vae = Vae.load(SafetensorsWeights.loadAll(folder.resolve("vae/diffusion_pytorch_model.safetensors"), m,
                    DataType.FLOAT32).castTo(DataType.FLOAT16), VaeConfig.fromJson(folder.resolve("vae/config.json")));
            assertThat(vae.dtype()).isEqualTo(DataType.FLOAT16);
            NDArray decoded = vae.decode(Parity.reference(reference, "vae.decode.in", m));
            assertThat(decoded.getDataType()).isEqualTo(DataType.FLOAT32);
            double rel = Parity.relativeError(decoded, Parity.reference(reference, "vae.decode.out", m));
            System.out.println("fp16 VAE decode rel " + rel);
            assertThat(rel).isLessThan(PrecisionChecks.tolerance(DataType.FLOAT16));
        }
    }
}
