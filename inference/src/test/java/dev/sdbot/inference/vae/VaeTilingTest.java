package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.selftest.Parity;
import dev.sdbot.inference.weights.CheckpointLoader;
import dev.sdbot.inference.weights.ModelFiles;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tiled VAE against the untiled one on the mini fixture, with tiles small enough that every layer (latent 1x1 up to
 * 8x8 image pixels per latent pixel) spans many tiles, including uneven ones at the edges. Tiles share the group
 * norms' statistics and read their neighbours at every conv, so only float rounding differs: reductions summed in
 * another order (group statistics over a tile at a time, a tile's conv through the im2col GEMM instead of oneDNN)
 * change each of the ~40 layers by a few fp32 ulps of its output (relative ~1e-6); the bound of 1e-4 relative
 * (L2) leaves room for their growth through the network. A tile that ignored its neighbours or its own statistics
 * is off by percents.
 */
class VaeTilingTest {
    private static final double FP32_BOUND = 1e-4;

    @Test
    void tiledDecodeMatchesTheUntiledDecode() {
        try (NDManager m = NDManager.newBaseManager(); ModelFiles files = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"))) {
            Vae vae = Vae.load(files.vae(m), files.description().vae());
            NDArray latents = m.randomNormal(new Shape(2, 4, 20, 13));
            NDArray whole = vae.decode(latents);
            NDArray tiled = new VaeTiling(0, 6).decode(vae, latents);
            assertThat(tiled.getShape()).isEqualTo(new Shape(2, 3, 160, 104));
            double rel = Parity.relativeError(tiled, whole);
            System.out.printf("tiled decode rel %.3g, max abs %.3g%n", rel, tiled.sub(whole).abs().max().getFloat());
            assertThat(rel).isLessThan(FP32_BOUND);
        }
    }

    @Test
    void tiledEncodeMatchesTheUntiledEncode() {
        try (NDManager m = NDManager.newBaseManager(); ModelFiles files = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"))) {
            Vae vae = Vae.load(files.vae(m), files.description().vae());
            NDArray image = m.randomUniform(-1, 1, new Shape(1, 3, 192, 136));
            LatentDistribution whole = vae.encode(image);
            LatentDistribution tiled = new VaeTiling(0, 7).encode(vae, image);
            assertThat(tiled.mean().getShape()).isEqualTo(new Shape(1, 4, 24, 17));
            double meanRel = Parity.relativeError(tiled.mean(), whole.mean());
            double logvarRel = Parity.relativeError(tiled.logvar(), whole.logvar());
            System.out.printf("tiled encode rel mean %.3g logvar %.3g%n", meanRel, logvarRel);
            assertThat(meanRel).isLessThan(FP32_BOUND);
            assertThat(logvarRel).isLessThan(FP32_BOUND);
            assertThat(VaeTiling.OFF.encode(vae, image).mean().contentEquals(whole.mean())).isTrue();
        }
    }

    /**
     * A half-precision VAE (as CUDA workers run it) tiles too: statistics gathered in fp32, tiles normalised in fp16.
     * Against the fp32 decode, the tiled fp16 decode is as good as the untiled fp16 one: both carry fp16 rounding
     * (2^-11 per op) of the same size, only the order of reductions differs. (Small: CPU fp16 convs are slow loops.)
     */
    @Test
    void aHalfPrecisionVaeTilesAsAccuratelyAsItDecodesWhole() {
        try (NDManager m = NDManager.newBaseManager(); ModelFiles files = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"))) {
            Vae fp32 = Vae.load(files.vae(m), files.description().vae());
            Vae fp16 = Vae.load(files.vae(m).castTo(DataType.FLOAT16), files.description().vae());
            NDArray latents = m.randomNormal(new Shape(1, 4, 8, 10));
            NDArray reference = fp32.decode(latents);
            double whole = Parity.relativeError(fp16.decode(latents), reference);
            double tiled = Parity.relativeError(new VaeTiling(0, 3).decode(fp16, latents), reference);
            System.out.printf("fp16 vs fp32: whole %.3g, tiled %.3g%n", whole, tiled);
            assertThat(tiled).isLessThan(2 * whole);
        }
    }

    @Test
    void badTilingAndBadImagesAreRefused() {
        assertThatThrownBy(() -> new VaeTiling(0, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tile must be at least 1");
        assertThatThrownBy(() -> VaeTiling.above(-1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(">= 0 pixels");
        try (NDManager m = NDManager.newBaseManager(); ModelFiles files = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"))) {
            Vae vae = Vae.load(files.vae(m), files.description().vae());
            NDArray odd = m.zeros(new Shape(1, 3, 100, 64));
            assertThatThrownBy(() -> VaeTiling.above(0).encode(vae, odd)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("multiples of 8");
        }
    }

    @Test
    void tilesCoverTheGridWithoutOverlapAndSeamsAreFound() {
        TileLayout layout = new TileLayout(64);
        assertThat(layout.bounds(64)).containsExactly(0, 64);
        assertThat(layout.bounds(130)).containsExactly(0, 43, 86, 130);
        assertThat(layout.cores(130, 40)).hasSize(3)
                .extracting(TileLayout.Core::height).containsExactly(43, 43, 44);
        boolean[] near = VaeTiling.above(0).nearSeams(1024, 8, 8);
        assertThat(near[503]).isFalse();
        assertThat(near[504]).isTrue();
        assertThat(near[519]).isTrue();
        assertThat(near[520]).isFalse();
    }
}
