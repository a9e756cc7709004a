package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.model.VaeConfig;
import dev.sdbot.inference.weights.SafetensorsWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class VaeTest {
    private static NDManager modelManager;
    private static Vae vae;

    @BeforeAll
    static void load() {
        modelManager = NDManager.newBaseManager();
        Path dir = Fixtures.LDM.resolve("mini-sd15/vae");
        vae = Vae.load(SafetensorsWeights.loadAll(dir.resolve("diffusion_pytorch_model.safetensors"), modelManager, DataType.FLOAT32),
                VaeConfig.fromJson(dir.resolve("config.json")));
    }

    @AfterAll
    static void close() {
        modelManager.close();
    }

    @Test
    void roundTripShapesAndOnlyResultsSurvive() {
        try (NDManager m = modelManager.newSubManager()) {
            NDArray image = m.zeros(new Shape(2, 3, 64, 40));
            LatentDistribution latent = vae.encode(image);
            assertThat(latent.mean().getShape()).isEqualTo(new Shape(2, 4, 8, 5));
            assertThat(latent.logvar().getShape()).isEqualTo(new Shape(2, 4, 8, 5));
            NDArray decoded = vae.decode(latent.mean());
            assertThat(decoded.getShape()).isEqualTo(new Shape(2, 3, 64, 40));
            assertThat(m.getManagedArrays()).containsExactlyInAnyOrder(image, latent.mean(), latent.logvar(), decoded);
        }
    }

    @Test
    void sampleIsMeanPlusStdTimesNoise() {
        try (NDManager m = modelManager.newSubManager()) {
            NDArray mean = m.create(new float[] {1f, 2f});
            NDArray logvar = m.create(new float[] {0f, (float) Math.log(4)});
            NDArray s = new LatentDistribution(mean, logvar).sample(m.create(new float[] {1f, 1f}));
            assertThat(s.toFloatArray()).containsExactly(new float[] {2f, 4f}, org.assertj.core.data.Offset.offset(1e-6f));
        }
    }

    @Test
    void badInputsAreClearErrors() {
        try (NDManager m = modelManager.newSubManager()) {
            assertThatThrownBy(() -> vae.encode(m.zeros(new Shape(1, 3, 60, 64))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("multiples of 8");
            assertThatThrownBy(() -> vae.encode(m.zeros(new Shape(1, 4, 64, 64))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(B, 3, H, W)");
            assertThatThrownBy(() -> vae.decode(m.zeros(new Shape(1, 3, 8, 8))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(B, 4, h, w)");
        }
    }
}
