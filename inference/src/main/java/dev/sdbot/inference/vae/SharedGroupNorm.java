package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.nn.GroupNorm;

import java.util.List;

/**
 * A GroupNorm whose per-sample, per-group mean and variance are gathered from every tile's core and combined
 * (Chan et al.'s pairwise update, in double), so each tile is normalised with the whole image's statistics,
 * as the untiled layer would. Cores do not overlap and cover the image, so every pixel counts exactly once.
 */
final class SharedGroupNorm {
    private static final int[] GROUP_AXES = {2, 3, 4};
    private final long batch;
    private final long channels;
    /** Per channel of each sample: the group mean, and gamma / sqrt(group variance + eps). */
    private final float[] mean;
    private final float[] scale;
    private final float[] beta;

    private SharedGroupNorm(long batch, long channels, float[] mean, float[] scale, float[] beta) {
        this.batch = batch;
        this.channels = channels;
        this.mean = mean;
        this.scale = scale;
        this.beta = beta;
    }

    /** @param cores the tiles' cores in {@code x}'s pixels */
    static SharedGroupNorm gather(GroupNorm norm, NDArray x, List<TileLayout.Core> cores) {
        Shape s = x.getShape();
        int b = (int) s.get(0);
        int c = (int) s.get(1);
        int groups = norm.groups();
        double[] count = new double[b * groups];
        double[] mean = new double[b * groups];
        double[] m2 = new double[b * groups];
        for (TileLayout.Core core : cores) {
            try (NDManager tm = x.getManager().newSubManager()) {
                // splitting the channel axis keeps the slice a view: the only tile-sized temporary is the centred copy
                NDArray tile = TiledLayers.slice(x, tm, core.y0(), core.y1(), core.x0(), core.x1())
                        .reshape(b, groups, c / groups, core.height(), core.width()).toType(DataType.FLOAT32, false);
                double n = (double) (c / groups) * core.height() * core.width();
                NDArray tileMean = tile.sum(GROUP_AXES, true).divi((float) n);
                float[] means = tileMean.toFloatArray();
                NDArray centred = tile.sub(tileMean);
                float[] m2s = centred.muli(centred).sum(GROUP_AXES).toFloatArray();
                for (int i = 0; i < means.length; i++) {
                    double total = count[i] + n;
                    double delta = means[i] - mean[i];
                    mean[i] += delta * n / total;
                    m2[i] += m2s[i] + delta * delta * count[i] * n / total;
                    count[i] = total;
                }
            }
        }
        float[] gamma = norm.gamma().toType(DataType.FLOAT32, false).toFloatArray();
        float[] beta = norm.beta().toType(DataType.FLOAT32, false).toFloatArray();
        float[] channelMean = new float[b * c];
        float[] channelScale = new float[b * c];
        int perGroup = c / groups;
        for (int i = 0; i < b; i++) {
            for (int ch = 0; ch < c; ch++) {
                int g = i * groups + ch / perGroup;
                channelMean[i * c + ch] = (float) mean[g];
                channelScale[i * c + ch] = (float) (gamma[ch] / Math.sqrt(m2[g] / count[g] + norm.eps()));
            }
        }
        return new SharedGroupNorm(b, c, channelMean, channelScale, beta);
    }

    /** {@code (tile - mean) * gamma / sqrt(var + eps) + beta}, in the tile's dtype and manager. */
    NDArray apply(NDArray tile) {
        NDManager m = tile.getManager();
        DataType type = tile.getDataType();
        NDArray mu = m.create(mean, new Shape(batch, channels, 1, 1)).toType(type, false);
        NDArray k = m.create(scale, new Shape(batch, channels, 1, 1)).toType(type, false);
        NDArray shift = m.create(beta, new Shape(1, channels, 1, 1)).toType(type, false);
        return tile.sub(mu).muli(k).addi(shift);
    }
}
