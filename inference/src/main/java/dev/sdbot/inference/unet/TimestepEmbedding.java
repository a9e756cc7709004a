package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.nn.Activations;
import dev.sdbot.inference.nn.Linear;
import dev.sdbot.inference.nn.Weights;

/**
 * diffusers Timesteps (sinusoidal projection, {@code get_timestep_embedding}) followed by TimestepEmbedding
 * (linear, silu, linear).
 */
final class TimestepEmbedding {
    private static final double MAX_PERIOD = 10000;

    private final int channels;
    private final boolean flipSinToCos;
    private final int freqShift;
    private final Linear linear1;
    private final Linear linear2;

    private TimestepEmbedding(int channels, boolean flipSinToCos, int freqShift, Linear linear1, Linear linear2) {
        this.channels = channels;
        this.flipSinToCos = flipSinToCos;
        this.freqShift = freqShift;
        this.linear1 = linear1;
        this.linear2 = linear2;
    }

    static TimestepEmbedding load(Weights w, int channels, boolean flipSinToCos, int freqShift) {
        return new TimestepEmbedding(channels, flipSinToCos, freqShift,
                Linear.load(w, "linear_1"), Linear.load(w, "linear_2"));
    }

    /** @param timesteps (B) of any numeric type; @return (B, time_embed_dim) in {@code type}. */
    NDArray forward(NDArray timesteps, DataType type) {
        return mlp(sinusoidal(timesteps, channels, flipSinToCos, freqShift).toType(type, false));
    }

    /** linear_1, silu, linear_2 on an already embedded input. */
    NDArray mlp(NDArray embedded) {
        return linear2.forward(Activations.siluInPlace(linear1.forward(embedded)));
    }

    /**
     * diffusers' {@code get_timestep_embedding}: each value times {@code exp(-ln(10000) k / (half - shift))},
     * k = 0..half-1, as [cos, sin] (flipped) or [sin, cos], in fp32 exactly as the reference computes it.
     *
     * @param values any shape, flattened; @return (N, channels) fp32
     */
    static NDArray sinusoidal(NDArray values, int channels, boolean flipSinToCos, int freqShift) {
        NDManager m = values.getManager();
        int half = channels / 2;
        NDArray freqs = m.arange(0, half, 1, DataType.FLOAT32)
                .mul((float) -Math.log(MAX_PERIOD)).div((float) (half - freqShift)).exp();
        NDArray args = values.toType(DataType.FLOAT32, false).reshape(-1, 1).mul(freqs.reshape(1, half));
        NDArray sin = args.sin();
        NDArray cos = args.cos();
        NDArray emb = flipSinToCos ? NDArrays.concat(new NDList(cos, sin), 1)
                : NDArrays.concat(new NDList(sin, cos), 1);
        if (channels % 2 == 1) {
            emb = emb.pad(new Shape(0, 1), 0);
        }
        return emb;
    }
}
