package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TileGridTest {

    @Test
    void startsCoverTheAxisWithAtLeastTheOverlap() {
        TileGrid grid = new TileGrid(64, 16);
        assertThat(grid.starts(64)).containsExactly(0);
        assertThat(grid.starts(40)).containsExactly(0);
        assertThat(grid.starts(128)).containsExactly(0, 32, 64);
        int[] s = grid.starts(200);
        assertThat(s[0]).isZero();
        assertThat(s[s.length - 1]).isEqualTo(200 - 64);
        for (int i = 1; i < s.length; i++) {
            assertThat(s[i - 1] + 64 - s[i]).isGreaterThanOrEqualTo(16);
        }
    }

    /** A function that commutes with cropping (pointwise, 8x nearest upscale) comes out as if run on the whole input. */
    @Test
    void blendingReproducesACropInvariantFunction() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.randomNormal(new Shape(2, 3, 40, 56));
            java.util.function.UnaryOperator<NDArray> fn = t -> t.repeat(2, 8).repeat(3, 8).tanh().mul(3);
            NDArray tiled = new TileGrid(16, 6).apply(x, 1, 8, fn);
            NDArray whole = fn.apply(x);
            assertThat(tiled.getShape()).isEqualTo(new Shape(2, 3, 320, 448));
            // ramps sum to 1: only the rounding of w1 v + w2 v and the division remains (a few ulp of |v| <= 3)
            assertThat(tiled.sub(whole).abs().max().getFloat()).isLessThan(3 * 4e-7f * 4);

            NDArray down = new TileGrid(16, 6).apply(whole, 8, 1, t -> t.get(":, :, ::8, ::8"));
            assertThat(down.sub(fn.apply(x).get(":, :, ::8, ::8")).abs().max().getFloat()).isLessThan(5e-6f);
        }
    }
}
