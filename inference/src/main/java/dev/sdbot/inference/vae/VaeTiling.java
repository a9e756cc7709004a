package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;

/**
 * When and how the VAE works in tiles: images of more than {@code abovePixels} pixels are decoded and encoded in
 * overlapping tiles of {@code tile} latent pixels ({@code overlap} shared with each neighbour), blended with linear
 * ramps, so the VAE's activation memory is bounded by one tile instead of growing with the image. The VAE's group
 * norms and mid-block attention then see one tile at a time, so tiled output differs slightly from untiled output.
 *
 * @param abovePixels width x height of one image above which tiling starts
 */
public record VaeTiling(long abovePixels, int tile, int overlap) {
    /** Default: tiles of 512x512 image pixels overlapping by 128, for images above 1024x1024. */
    public static final VaeTiling DEFAULT = new VaeTiling(1024L * 1024, 64, 16);
    /** Never tiles. */
    public static final VaeTiling OFF = new VaeTiling(Long.MAX_VALUE, 64, 16);
    /** The environment variable holding {@link #abovePixels} (0 = always tile). */
    public static final String ENV = "SDBOT_VAE_TILE_ABOVE_PIXELS";

    public VaeTiling {
        new TileGrid(tile, overlap); // validates
        if (abovePixels < 0) {
            throw new IllegalArgumentException("the VAE tiling threshold must be >= 0 pixels, got " + abovePixels);
        }
    }

    /** The default tiles above {@code abovePixels}. */
    public static VaeTiling above(long abovePixels) {
        return new VaeTiling(abovePixels, DEFAULT.tile, DEFAULT.overlap);
    }

    public boolean tiles(long width, long height) {
        return width * height > abovePixels;
    }

    /** {@link Vae#decode}, tiled when the image is large. */
    public NDArray decode(Vae vae, NDArray latents) {
        int f = vae.config().downscaleFactor();
        if (!tiles(latents.getShape().get(3) * f, latents.getShape().get(2) * f)) {
            return vae.decode(latents);
        }
        return new TileGrid(tile, overlap).apply(latents, 1, f, vae::decode);
    }

    /** {@link Vae#encode}, tiled when the image is large: mean and log-variance are blended tile by tile. */
    public LatentDistribution encode(Vae vae, NDArray image) {
        if (!tiles(image.getShape().get(3), image.getShape().get(2))) {
            return vae.encode(image);
        }
        int f = vae.config().downscaleFactor();
        NDArray moments = new TileGrid(tile, overlap).apply(image, f, 1, tileImage -> {
            LatentDistribution d = vae.encode(tileImage);
            return NDArrays.concat(new NDList(d.mean(), d.logvar()), 1);
        });
        NDList halves = moments.split(2, 1);
        return new LatentDistribution(halves.get(0), halves.get(1));
    }

    /** For each pixel along an axis of {@code pixels} image pixels: whether it lies where two tiles blend. */
    public boolean[] blendedPixels(int pixels, int downscaleFactor) {
        TileGrid grid = new TileGrid(tile, overlap);
        int[] starts = grid.starts(pixels / downscaleFactor);
        boolean[] blended = new boolean[pixels];
        for (int i = 0; i < pixels; i++) {
            blended[i] = grid.inOverlap(starts, i, downscaleFactor);
        }
        return blended;
    }
}
