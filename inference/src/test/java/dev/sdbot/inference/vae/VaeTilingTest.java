package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.weights.CheckpointLoader;
import dev.sdbot.inference.weights.ModelFiles;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class VaeTilingTest {

    /** An image no larger than one tile is decoded as a whole even when tiling is on. */
    @Test
    void aSingleTileDecodesAsTheWholeVae() {
        try (NDManager m = NDManager.newBaseManager(); ModelFiles files = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"))) {
            Vae vae = Vae.load(files.vae(m), files.description().vae());
            NDArray latents = m.randomNormal(new Shape(1, 4, 16, 16));
            NDArray whole = vae.decode(latents);
            NDArray tiled = VaeTiling.above(0).decode(vae, latents);
            float err = tiled.sub(whole).abs().max().getFloat();
            assertThat(err).isZero();
        }
    }

    /** Tiled encode: latents of the image's size / 8 whose mean tracks the untiled one (tiles see only themselves). */
    @Test
    void tiledEncodeGivesLatentsOfTheRightShape() {
        try (NDManager m = NDManager.newBaseManager(); ModelFiles files = CheckpointLoader.open(Fixtures.LDM.resolve("mini-sd15"))) {
            Vae vae = Vae.load(files.vae(m), files.description().vae());
            NDArray image = m.randomUniform(-1, 1, new Shape(1, 3, 192, 128));
            LatentDistribution whole = vae.encode(image);
            LatentDistribution tiled = new VaeTiling(0, 8, 2).encode(vae, image);
            assertThat(tiled.mean().getShape()).isEqualTo(new Shape(1, 4, 24, 16));
            assertThat(tiled.logvar().getShape()).isEqualTo(whole.logvar().getShape());
            assertThat(tiled.mean().isNaN().any().getBoolean()).isFalse();
            assertThat(VaeTiling.OFF.encode(vae, image).mean().contentEquals(whole.mean())).isTrue();
        }
    }
}
