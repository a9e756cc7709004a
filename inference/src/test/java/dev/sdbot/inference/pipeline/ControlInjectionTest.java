package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.ControlMode;
import dev.sdbot.inference.controlnet.ControlNetLoader;
import dev.sdbot.inference.unet.ControlNet;
import dev.sdbot.inference.unet.ControlResiduals;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A1111's control modes (sd-webui-controlnet scripts/hook.py): scales derived by hand from
 * {@code control_scales = [weight * 0.825 ** float(12 - i) for i in range(13)]}, cut to the net's residual count as
 * {@code zip} cuts it, and {@code control * cond_mark} zeroing the negative rows in "ControlNet is more important";
 * then the same through {@link ControlGuide} on the mini ControlNet.
 */
class ControlInjectionTest {
    private static final Path NET = Path.of("src/test/resources/controlnet/mini-cn");

    @Test
    void balancedScalesEveryResidualByTheWeight() {
        assertThat(ControlInjection.scales(ControlMode.BALANCED, 0.7f, 13)).containsOnly(0.7f).hasSize(13);
    }

    @Test
    void softInjectionScalesFollowTheExtensionsList() {
        float[] sd1 = ControlInjection.scales(ControlMode.PROMPT, 0.5f, 13);
        // 0.5 * 0.825^12 = 0.5 * 0.0994140 = 0.0497070 (shallowest down residual); mid block: 0.5 * 0.825^0
        assertThat(sd1[0]).isCloseTo(0.0497070f, within(1e-6f));
        assertThat(sd1[9]).isCloseTo(0.2807578f, within(1e-6f)); // 0.5 * 0.825^3 = 0.5 * 0.561515625
        assertThat(sd1[11]).isCloseTo(0.4125f, within(1e-6f));
        assertThat(sd1[12]).isEqualTo(0.5f);
        assertThat(ControlInjection.scales(ControlMode.CONTROLNET, 0.5f, 13)).containsExactly(sd1);
        // SDXL's 10 residuals take the first 10 of the same list: its mid block gets 0.825^3, not 1
        float[] sdxl = ControlInjection.scales(ControlMode.PROMPT, 1f, 10);
        assertThat(sdxl).hasSize(10);
        assertThat(sdxl[9]).isCloseTo(0.561515625f, within(1e-6f));
        assertThatThrownBy(() -> ControlInjection.scales(ControlMode.PROMPT, 1f, 14))
                .hasMessageContaining("at most 13 residuals");
    }

    @Test
    void onlyControlNetIsMoreImportantMasksTheNegativeRows() {
        assertThat(ControlInjection.promptRowsOnly(ControlMode.CONTROLNET)).isTrue();
        assertThat(ControlInjection.promptRowsOnly(ControlMode.PROMPT)).isFalse();
        assertThat(ControlInjection.promptRowsOnly(ControlMode.BALANCED)).isFalse();
    }

    @Test
    void theGuideAppliesTheModesToTheNetsResiduals() {
        try (NDManager manager = NDManager.newBaseManager()) {
            ControlNet net = ControlNetLoader.load(NET, manager, DataType.FLOAT32);
            NDArray image = manager.randomUniform(0f, 1f, new Shape(1, 3, 64, 64));
            NDArray batch = manager.randomNormal(new Shape(2, 4, 8, 8)); // [negative, prompt]
            NDArray t = manager.create(new float[] {500f});
            NDArray context = manager.randomNormal(new Shape(2, 77, net.crossAttentionDim()));
            int n = net.residualCount();

            ControlResiduals balanced = residuals(net, image, ControlMode.BALANCED, batch, t, context);
            ControlResiduals prompt = residuals(net, image, ControlMode.PROMPT, batch, t, context);
            ControlResiduals control = residuals(net, image, ControlMode.CONTROLNET, batch, t, context);

            for (int i = 0; i < n; i++) {
                NDArray b = i < n - 1 ? balanced.down().get(i) : balanced.mid();
                NDArray p = i < n - 1 ? prompt.down().get(i) : prompt.mid();
                NDArray c = i < n - 1 ? control.down().get(i) : control.mid();
                double scale = Math.pow(0.825, 12 - i); // weight 1
                assertThat(p.sub(b.mul(scale)).abs().max().getFloat()).as("residual %d of %d", i, n)
                        .isLessThan(1e-5f * Math.max(1f, b.abs().max().getFloat()));
                assertThat(c.get(0).abs().max().getFloat()).as("negative row of residual %d", i).isZero();
                assertThat(c.get(1).toFloatArray()).as("prompt row of residual %d", i)
                        .containsExactly(p.get(1).toFloatArray());
            }
        }
    }

    private static ControlResiduals residuals(ControlNet net, NDArray image, ControlMode mode, NDArray batch, NDArray t,
                                              NDArray context) {
        ControlGuide guide = new ControlGuide(List.of(new ControlGuide.Unit(net, image, 1f, 0, 1, false, mode)));
        return guide.residuals(batch, t, context, null, 0, 4, true);
    }
}
