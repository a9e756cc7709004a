package dev.sdbot.inference.unet;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.model.RandomWeights;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.model.VaeConfig;
import dev.sdbot.inference.vae.Vae;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Full-size SD1.5 UNet and VAE with random weights at 256x256 (or -Dsdbot.fullsize.px=N); opt-in:
 * -Dsdbot.fullsize=true (minutes, ~4 GB + activations).
 * Prints wall and process CPU seconds: on a shared machine the CPU time is the steadier number.
 */
@EnabledIfSystemProperty(named = "sdbot.fullsize", matches = "true")
class FullSizeTiming {

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    @Test
    void sd15() {
        int latent = Integer.getInteger("sdbot.fullsize.px", 256) / 8;
        int steps = Integer.getInteger("sdbot.fullsize.steps", 3);
        try (NDManager m = NDManager.newBaseManager()) {
            long t0 = System.nanoTime();
            UNet unet = UNet.load(RandomWeights.unet(UNetConfig.sd15(), m, 1), UNetConfig.sd15());
            Vae vae = Vae.load(RandomWeights.vae(VaeConfig.sd15(), m, 2), VaeConfig.sd15());
            System.out.printf("random weights: %.1f s%n", (System.nanoTime() - t0) / 1e9);
            Engine.getInstance().setRandomSeed(3);
            try (NDManager step = m.newSubManager()) {
                NDArray sample = step.randomNormal(new Shape(2, 4, latent, latent));
                NDArray t = step.create(new long[] {999, 999});
                NDArray context = step.randomNormal(new Shape(2, 77, 768));
                for (int i = 0; i < steps; i++) {
                    long s = System.nanoTime();
                    double c = cpuSeconds();
                    NDArray out = unet.forward(sample, t, context);
                    System.out.printf("UNet step (batch 2, %dx%d latents): wall %.2f s, cpu %.2f s%n", latent, latent,
                            (System.nanoTime() - s) / 1e9, cpuSeconds() - c);
                    assertThat(out.isNaN().any().getBoolean()).isFalse();
                    out.close();
                }
                for (int i = 0; i < Math.min(steps, 2); i++) {
                    NDArray latents = step.randomNormal(new Shape(1, 4, latent, latent));
                    long s = System.nanoTime();
                    double c = cpuSeconds();
                    NDArray image = vae.decode(latents);
                    System.out.printf("VAE decode %dpx: wall %.2f s, cpu %.2f s%n", latent * 8,
                            (System.nanoTime() - s) / 1e9, cpuSeconds() - c);
                    assertThat(image.getShape()).isEqualTo(new Shape(1, 3, latent * 8, latent * 8));
                    image.close();
                }
            }
        }
    }
}
