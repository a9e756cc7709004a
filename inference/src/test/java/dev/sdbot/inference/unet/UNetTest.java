package dev.sdbot.inference.unet;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.selftest.Parity;
import dev.sdbot.inference.weights.SafetensorsWeights;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UNetTest {
    private static NDManager modelManager;
    private static UNet unet;

    @BeforeAll
    static void load() {
        modelManager = NDManager.newBaseManager();
        unet = loadUNet("mini-sd15", modelManager);
    }

    @AfterAll
    static void close() {
        modelManager.close();
    }

    private static UNet loadUNet(String model, NDManager manager) {
        Path dir = Fixtures.LDM.resolve(model).resolve("unet");
        return UNet.load(SafetensorsWeights.loadAll(dir.resolve("diffusion_pytorch_model.safetensors"), manager, DataType.FLOAT32),
                UNetConfig.fromJson(dir.resolve("config.json")));
    }

    @Test
    void inpaintingUNetTakesNineChannels() {
        try (NDManager m = NDManager.newBaseManager()) {
            UNet inpaint = loadUNet("mini-sd15-inpainting", m);
            Engine.getInstance().setRandomSeed(1);
            NDArray out = inpaint.forward(m.randomNormal(new Shape(2, 9, 16, 24)), m.create(new long[] {981, 981}),
                    m.randomNormal(new Shape(2, 77, 32)));
            assertThat(out.getShape()).isEqualTo(new Shape(2, 4, 16, 24));
            assertThat(out.isNaN().any().getBoolean()).isFalse();
        }
    }

    @Test
    void oneTimestepIsSharedByTheBatchAndFloatTimestepsWork() {
        try (NDManager m = modelManager.newSubManager()) {
            Engine.getInstance().setRandomSeed(2);
            NDArray sample = m.randomNormal(new Shape(2, 4, 8, 8));
            NDArray context = m.randomNormal(new Shape(2, 5, 32));
            NDArray shared = unet.forward(sample, m.create(new long[] {500}), context);
            NDArray perItem = unet.forward(sample, m.create(new float[] {500f, 500f}), context);
            // The two paths build the same embedding with a different op order (one row broadcast vs one row per
            // item, int vs float input); each op may round differently by an ulp (6e-8 relative) and the UNet's
            // ~50 layers carry that on, so the bound is ~100 ulps: far below the 1e-4 parity tolerance, far above
            // what this machine happens to give (about 1e-6), and a wrong timestep misses it by orders of magnitude.
            assertThat(Parity.relativeError(shared, perItem)).isLessThan(1e-5);
            NDArray otherTimestep = unet.forward(sample, m.create(new float[] {500f, 501f}), context);
            assertThat(Parity.relativeError(otherTimestep, perItem)).isGreaterThan(1e-3);
        }
    }

    @Test
    void oddLatentSizesFollowTheSkipConnections() {
        try (NDManager m = modelManager.newSubManager()) {
            NDArray out = unet.forward(m.zeros(new Shape(1, 4, 10, 13)), m.create(new long[] {10}),
                    m.zeros(new Shape(1, 77, 32)));
            assertThat(out.getShape()).isEqualTo(new Shape(1, 4, 10, 13));
        }
    }

    @Test
    void forwardKeepsOnlyItsOutput() {
        try (NDManager m = modelManager.newSubManager()) {
            NDArray sample = m.ones(new Shape(2, 4, 16, 16));
            NDArray t = m.create(new long[] {1, 999});
            NDArray context = m.ones(new Shape(2, 77, 32));
            unet.forward(sample, t, context).close();
            // counts include the sub-manager's arrays: the weights and the three inputs
            int before = modelManager.getManagedArrays().size();
            NDArray out = unet.forward(sample, t, context);
            assertThat(m.getManagedArrays()).containsExactlyInAnyOrder(sample, t, context, out);
            assertThat(modelManager.getManagedArrays().size()).isEqualTo(before + 1);
            assertThat(sample.getDataType()).isEqualTo(DataType.FLOAT32);
        }
    }

    @Test
    void badInputsAreClearErrors() {
        try (NDManager m = modelManager.newSubManager()) {
            NDArray t = m.create(new long[] {1, 2});
            NDArray context = m.zeros(new Shape(2, 77, 32));
            assertThatThrownBy(() -> unet.forward(m.zeros(new Shape(2, 9, 16, 16)), t, context))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("(B, 4, h, w)");
            assertThatThrownBy(() -> unet.forward(m.zeros(new Shape(2, 4, 16, 16)), t, m.zeros(new Shape(2, 77, 768))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("context");
            assertThatThrownBy(() -> unet.forward(m.zeros(new Shape(2, 4, 16, 16)), m.create(new long[] {1, 2, 3}), context))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("timestep");
            assertThatThrownBy(() -> unet.forward(m.zeros(new Shape(2, 4, 4, 4)), t, context))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("smaller");
        }
    }
}
