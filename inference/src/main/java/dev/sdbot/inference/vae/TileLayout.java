package dev.sdbot.inference.vae;

import java.util.ArrayList;
import java.util.List;

/**
 * Non-overlapping tiles of at most {@code tile} x {@code tile} latent pixels that cover a latent grid. Each tile is
 * a "core": the region whose output it owns. Neighbouring pixels that a convolution needs are read from the shared
 * activation at every layer (see {@link TiledLayers}), so tiles need no blending.
 */
record TileLayout(int tile) {

    TileLayout {
        if (tile < 1) {
            throw new IllegalArgumentException("the VAE tile must be at least 1 latent pixel, got " + tile);
        }
    }

    /** A tile's core, rows [y0, y1) and columns [x0, x1). */
    record Core(int y0, int y1, int x0, int x1) {
        Core scaled(int factor) {
            return new Core(y0 * factor, y1 * factor, x0 * factor, x1 * factor);
        }

        int height() {
            return y1 - y0;
        }

        int width() {
            return x1 - x0;
        }
    }

    /** Row-major cores covering {@code units} latent rows and columns, sizes as even as the tile allows. */
    List<Core> cores(int unitsH, int unitsW) {
        int[] ys = bounds(unitsH);
        int[] xs = bounds(unitsW);
        List<Core> cores = new ArrayList<>();
        for (int i = 0; i + 1 < ys.length; i++) {
            for (int j = 0; j + 1 < xs.length; j++) {
                cores.add(new Core(ys[i], ys[i + 1], xs[j], xs[j + 1]));
            }
        }
        return cores;
    }

    /** Tile boundaries along an axis: 0, ..., length; ceil(length / tile) tiles of nearly equal size. */
    int[] bounds(int length) {
        int n = Math.max(1, (length + tile - 1) / tile);
        int[] b = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            b[i] = (int) ((long) i * length / n);
        }
        return b;
    }
}
