package dev.sdbot.inference.upscale;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.image.ImageTensors;
import dev.sdbot.inference.image.Resampler;
import dev.sdbot.inference.image.RgbImage;

import java.nio.file.Path;

/**
 * Enlarges images with a super-resolution network, tile by tile so any size fits in memory: each tile is run with
 * {@code context} pixels of its neighbours around it and only its own part of the output is kept, so there are no
 * seams and the result differs from a whole-image run only where the network would look further than the context.
 * A scale other than the network's own is reached as A1111 does: run the network, then Lanczos to the target size.
 */
public final class ImageUpscaler {
    public static final int DEFAULT_TILE = 192;
    public static final int DEFAULT_CONTEXT = 16;

    private final UpscalerNet net;
    private final int tile;
    private final int context;

    public ImageUpscaler(UpscalerNet net, int tile, int context) {
        if (tile < 8 || context < 0) {
            throw new IllegalArgumentException("tile must be at least 8 pixels and context not negative");
        }
        this.net = net;
        this.tile = tile;
        this.context = context;
    }

    /** Loads {@code file} (ESRGAN, Real-ESRGAN or SRVGGNetCompact; safetensors or pickled) into {@code manager}. */
    public static ImageUpscaler load(Path file, NDManager manager) {
        return new ImageUpscaler(net(file, manager), DEFAULT_TILE, DEFAULT_CONTEXT);
    }

    /** The network of an upscaler file alone, for checks against its reference outputs. */
    public static UpscalerNet net(Path file, NDManager manager) {
        return UpscalerWeights.load(file, manager);
    }

    /** The same network with another tile side. */
    public ImageUpscaler withTile(int tileSide) {
        return new ImageUpscaler(net, tileSide, context);
    }

    public int netScale() {
        return net.scale();
    }

    public String describe() {
        return net.describe();
    }

    /** The image enlarged by {@code scale} (1..8; rounded to whole pixels). */
    public RgbImage upscale(RgbImage image, double scale, NDManager manager) {
        return upscaleTo(image, (int) Math.round(image.width() * scale), (int) Math.round(image.height() * scale),
                manager);
    }

    /** The image enlarged to exactly {@code targetWidth} x {@code targetHeight}, as A1111's {@code resize_image}. */
    public RgbImage upscaleTo(RgbImage image, int targetWidth, int targetHeight, NDManager manager) {
        // run the network as often as needed (A1111 repeats an x2 net for x4), then fit exactly
        RgbImage enlarged = runTiled(image, manager);
        while (net.scale() > 1 && (enlarged.width() < targetWidth || enlarged.height() < targetHeight)) {
            enlarged = runTiled(enlarged, manager);
        }
        if (enlarged.width() == targetWidth && enlarged.height() == targetHeight) {
            return enlarged;
        }
        return Resampler.resize(enlarged, targetWidth, targetHeight, Resampler.Filter.LANCZOS);
    }

    /** One pass of the network over the whole image, tile by tile. */
    RgbImage runTiled(RgbImage image, NDManager manager) {
        int s = net.scale();
        int outWidth = image.width() * s;
        byte[] out = new byte[outWidth * image.height() * s * 3];
        // x2/x1 RRDBNets pixel-unshuffle their input: tile edges and context must stay multiples of that fold
        int fold = foldOf(net);
        int step = tile / fold * fold;
        int margin = (context + fold - 1) / fold * fold;
        for (int y = 0; y < image.height(); y += step) {
            for (int x = 0; x < image.width(); x += step) {
                int w = Math.min(step, image.width() - x);
                int h = Math.min(step, image.height() - y);
                int x0 = Math.max(0, x - margin);
                int y0 = Math.max(0, y - margin);
                int x1 = Math.min(image.width(), x + w + margin);
                int y1 = Math.min(image.height(), y + h + margin);
                RgbImage region = image.crop(x0, y0, x1 - x0, y1 - y0);
                RgbImage result = runOnce(region, manager);
                paste(result, (x - x0) * s, (y - y0) * s, w * s, h * s, out, outWidth, x * s, y * s);
            }
        }
        return new RgbImage(outWidth, image.height() * s, out);
    }

    private RgbImage runOnce(RgbImage region, NDManager parent) {
        if (region.width() % foldOf(net) != 0 || region.height() % foldOf(net) != 0) {
            throw new IllegalArgumentException(net.describe() + " needs sides divisible by " + foldOf(net)
                    + ", got " + region.width() + "x" + region.height());
        }
        try (NDManager manager = parent.newSubManager()) {
            NDArray input = ImageTensors.toTensor(region, manager).add(1f).div(2f);
            NDArray output = net.forward(input);
            return ImageTensors.toImages(output.mul(2f).sub(1f)).get(0);
        }
    }

    /** How many input pixels an RRDBNet folds into one by pixel-unshuffle (x2: 2, x1: 4; 1 for the others). */
    private static int foldOf(UpscalerNet net) {
        return net instanceof RrdbNet && net.scale() < 4 ? 4 / net.scale() : 1;
    }

    private static void paste(RgbImage from, int fromX, int fromY, int w, int h, byte[] out, int outWidth, int toX,
                              int toY) {
        for (int row = 0; row < h; row++) {
            System.arraycopy(from.pixels(), ((fromY + row) * from.width() + fromX) * 3, out,
                    ((toY + row) * outWidth + toX) * 3, w * 3);
        }
    }
}
