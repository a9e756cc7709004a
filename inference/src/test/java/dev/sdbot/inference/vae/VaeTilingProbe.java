package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.model.RandomWeights;
import dev.sdbot.inference.model.VaeConfig;
import dev.sdbot.inference.selftest.VaeTilingChecks;
import dev.sdbot.inference.weights.CheckpointLoader;
import dev.sdbot.inference.weights.ModelFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Peak memory and time of tiled against untiled decode, for the README's figures; opt-in: -Dsdbot.vaeprobe=true,
 * -Dsdbot.vaeprobe.px=1024 (image side), -Dsdbot.vaeprobe.tile=64 (latent pixels), -Dsdbot.vaeprobe.fullsize=true
 * for SD 1.5-sized random VAE weights instead of the mini fixture (minutes and gigabytes on a CPU).
 */
@EnabledIfSystemProperty(named = "sdbot.vaeprobe", matches = "true")
class VaeTilingProbe {

    @Test
    void measure() {
        int px = Integer.getInteger("sdbot.vaeprobe.px", 1024);
        VaeTiling tiling = new VaeTiling(0, Integer.getInteger("sdbot.vaeprobe.tile", VaeTiling.DEFAULT.tile()));
        try (NDManager m = NDManager.newBaseManager(); ModelFiles files = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"))) {
            Vae vae = Boolean.getBoolean("sdbot.vaeprobe.fullsize")
                    ? Vae.load(RandomWeights.vae(VaeConfig.sd15(), m, 2), VaeConfig.sd15())
                    : Vae.load(files.vae(m), files.description().vae());
            for (String run : new String[] {"cold", "warm"}) {
                VaeTilingChecks.Measurement r = VaeTilingChecks.measure(vae, tiling, px);
                System.out.println("probe " + px + "px tile " + tiling.tile() + " " + run + ": " + r);
                assertThat(Math.max(r.maxAway(), r.maxAtSeams())).isLessThanOrEqualTo(VaeTilingChecks.MAX_LEVELS);
                assertThat(r.tiledPeakBytes()).isLessThan(r.untiledPeakBytes());
            }
        }
    }
}
