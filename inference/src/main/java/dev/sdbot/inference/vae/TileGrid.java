package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.function.UnaryOperator;

/**
 * Runs a spatial function tile by tile over a (B, C, H, W) input and blends the overlapping outputs with linear
 * ramps, so memory is bounded by one tile. Tiles are laid out in grid units (latent pixels); the function maps an
 * input tile of {@code inScale} per unit to an output of {@code outScale} per unit. Inside an overlap the two ramps
 * sum to 1, so a function that commutes with cropping is reproduced exactly.
 */
final class TileGrid {
    private final int tile;
    private final int overlap;

    /** @param tile tile side and @param overlap overlap of neighbours, both in grid units */
    TileGrid(int tile, int overlap) {
        if (tile < 1 || overlap < 0 || overlap >= tile) {
            throw new IllegalArgumentException("tile " + tile + " and overlap " + overlap + " must satisfy 0 <= overlap < tile");
        }
        this.tile = tile;
        this.overlap = overlap;
    }

    /** Tile starts along an axis of {@code length} units: evenly spread, first at 0, last ending at the end. */
    int[] starts(int length) {
        if (length <= tile) {
            return new int[] {0};
        }
        int n = (int) Math.ceil((double) (length - overlap) / (tile - overlap));
        int[] starts = new int[n];
        for (int i = 0; i < n; i++) {
            starts[i] = (int) Math.round((double) i * (length - tile) / (n - 1));
        }
        return starts;
    }

    int tile() {
        return tile;
    }

    NDArray apply(NDArray input, int inScale, int outScale, UnaryOperator<NDArray> fn) {
        Shape s = input.getShape();
        int unitsH = (int) (s.get(2) / inScale);
        int unitsW = (int) (s.get(3) / inScale);
        int[] ys = starts(unitsH);
        int[] xs = starts(unitsW);
        int outH = unitsH * outScale;
        int outW = unitsW * outScale;
        float[] sum = null;
        float[] weight = new float[outH * outW];
        int planes = 0;
        for (int ty = 0; ty < ys.length; ty++) {
            for (int tx = 0; tx < xs.length; tx++) {
                int th = Math.min(tile, unitsH);
                int tw = Math.min(tile, unitsW);
                NDArray in = input.get(":, :, " + ys[ty] * inScale + ":" + (ys[ty] + th) * inScale + ", "
                        + xs[tx] * inScale + ":" + (xs[tx] + tw) * inScale);
                NDArray out = fn.apply(in);
                Shape os = out.getShape();
                if (sum == null) {
                    planes = (int) (os.get(0) * os.get(1));
                    sum = new float[planes * outH * outW];
                }
                float[] values = out.toType(DataType.FLOAT32, false).toFloatArray();
                out.close();
                in.close();
                float[] wy = ramp(ys, ty, th, outScale);
                float[] wx = ramp(xs, tx, tw, outScale);
                int oh = th * outScale;
                int ow = tw * outScale;
                int y0 = ys[ty] * outScale;
                int x0 = xs[tx] * outScale;
                for (int y = 0; y < oh; y++) {
                    for (int x = 0; x < ow; x++) {
                        float w = wy[y] * wx[x];
                        weight[(y0 + y) * outW + x0 + x] += w;
                        for (int p = 0; p < planes; p++) {
                            sum[(p * outH + y0 + y) * outW + x0 + x] += w * values[(p * oh + y) * ow + x];
                        }
                    }
                }
            }
        }
        for (int p = 0; p < planes; p++) {
            for (int i = 0; i < outH * outW; i++) {
                sum[p * outH * outW + i] /= weight[i];
            }
        }
        return input.getManager().create(sum, new Shape(s.get(0), planes / s.get(0), outH, outW));
    }

    /**
     * Weights along one axis of tile {@code i}: rising over the overlap with the previous tile, falling over the
     * overlap with the next, 1 elsewhere; each ramp step centred in its pixel so rising + falling = 1.
     */
    private float[] ramp(int[] starts, int i, int length, int scale) {
        float[] w = new float[length * scale];
        java.util.Arrays.fill(w, 1f);
        if (i > 0) {
            int rise = (starts[i - 1] + length - starts[i]) * scale;
            for (int k = 0; k < rise; k++) {
                w[k] = Math.min(w[k], (k + 0.5f) / rise);
            }
        }
        if (i < starts.length - 1) {
            int fall = (starts[i] + length - starts[i + 1]) * scale;
            for (int k = 0; k < fall; k++) {
                int at = length * scale - fall + k;
                w[at] = Math.min(w[at], 1f - (k + 0.5f) / fall);
            }
        }
        return w;
    }

    /** Whether output pixel row/column {@code at} (in output pixels) lies in an overlap band. */
    boolean inOverlap(int[] starts, int at, int scale) {
        int inside = 0;
        for (int s : starts) {
            if (at >= s * scale && at < (s + tile) * scale) {
                inside++;
            }
        }
        return inside > 1;
    }
}
