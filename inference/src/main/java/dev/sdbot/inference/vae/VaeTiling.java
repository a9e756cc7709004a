package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When and how the VAE works in tiles: images of more than {@code abovePixels} pixels are decoded and encoded tile
 * by tile ({@code tile} latent pixels a side), layer by layer, with every group norm using the whole image's
 * statistics and every convolution reading its neighbours' pixels ({@link TiledLayers}). The result equals the
 * untiled VAE up to float rounding; the per-tile work is bounded by the tile, and the whole-image activations alive
 * at once drop from the untiled VAE's five or six (plus its mid-block attention scores) to about two.
 *
 * @param abovePixels width x height of one image above which tiling starts
 */
public record VaeTiling(long abovePixels, int tile) {
    private static final Logger LOG = LoggerFactory.getLogger(VaeTiling.class);
    /** Default: tiles of 512x512 image pixels, for images above 1024x1024. */
    public static final VaeTiling DEFAULT = new VaeTiling(1024L * 1024, 64);
    /** Never tiles. */
    public static final VaeTiling OFF = new VaeTiling(Long.MAX_VALUE, 64);
    /** The environment variable holding {@link #abovePixels} (0 = always tile). */
    public static final String ENV = "SDBOT_VAE_TILE_ABOVE_PIXELS";

    public VaeTiling {
        new TileLayout(tile); // validates
        if (abovePixels < 0) {
            throw new IllegalArgumentException("the VAE tiling threshold must be >= 0 pixels, got " + abovePixels);
        }
    }

    /** The default tiles above {@code abovePixels}. */
    public static VaeTiling above(long abovePixels) {
        return new VaeTiling(abovePixels, DEFAULT.tile);
    }

    public boolean tiles(long width, long height) {
        return width * height > abovePixels;
    }

    /** {@link Vae#decode}, tiled when the image is large. */
    public NDArray decode(Vae vae, NDArray latents) {
        int f = vae.config().downscaleFactor();
        long h = latents.getShape().get(2);
        long w = latents.getShape().get(3);
        if (!tiles(w * f, h * f)) {
            return vae.decode(latents);
        }
        return vae.decode(latents, layers("decode", (int) h, (int) w, f));
    }

    /** {@link Vae#encode}, tiled when the image is large. */
    public LatentDistribution encode(Vae vae, NDArray image) {
        long h = image.getShape().get(2);
        long w = image.getShape().get(3);
        if (!tiles(w, h)) {
            return vae.encode(image);
        }
        int f = vae.config().downscaleFactor();
        return vae.encode(image, layers("encode", (int) (h / f), (int) (w / f), f));
    }

    private TiledLayers layers(String what, int unitsH, int unitsW, int f) {
        TileLayout layout = new TileLayout(tile);
        LOG.info("VAE {} of {}x{} px in {} tiles of up to {} px (above {} px)", what, unitsW * f, unitsH * f,
                layout.cores(unitsH, unitsW).size(), tile * f, abovePixels);
        return new TiledLayers(layout, unitsH, unitsW);
    }

    /** For each pixel along an axis of {@code pixels} image pixels: whether it lies within {@code within} of a seam. */
    public boolean[] nearSeams(int pixels, int downscaleFactor, int within) {
        int[] bounds = new TileLayout(tile).bounds(pixels / downscaleFactor);
        boolean[] near = new boolean[pixels];
        for (int i = 1; i + 1 < bounds.length; i++) {
            int seam = bounds[i] * downscaleFactor;
            for (int p = Math.max(0, seam - within); p < Math.min(pixels, seam + within); p++) {
                near[p] = true;
            }
        }
        return near;
    }
}
