package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * torch.nn.GroupNorm on NCHW input. DJL has no group norm: the input is viewed as
 * (N, groups, C/groups*H*W), normalised with libtorch's layer norm kernel (unit weight, zero bias)
 * and then scaled per channel, which is the same arithmetic in two native calls. The unit weight and
 * zero bias are cached per group size in the weights' manager (a UNet step calls this ~60 times).
 */
public final class GroupNorm {
    private final int groups;
    private final NDArray gamma;
    private final NDArray beta;
    private final float eps;
    private final Map<String, NDArray[]> identity = new ConcurrentHashMap<>();

    public GroupNorm(int groups, NDArray gamma, NDArray beta, float eps) {
        this.groups = groups;
        this.gamma = gamma;
        this.beta = beta;
        this.eps = eps;
    }

    public static GroupNorm load(Weights w, String prefix, int groups, float eps) {
        return new GroupNorm(groups, w.get(prefix + ".weight"), w.get(prefix + ".bias"), eps);
    }

    public int groups() {
        return groups;
    }

    public NDArray gamma() {
        return gamma;
    }

    public NDArray beta() {
        return beta;
    }

    public float eps() {
        return eps;
    }

    public NDArray forward(NDArray x) {
        long t = OpProfile.start();
        return OpProfile.end("group_norm", t, normalize(x));
    }

    private NDArray normalize(NDArray x) {
        Shape shape = x.getShape();
        long n = shape.get(0);
        long c = shape.get(1);
        if (c != gamma.getShape().get(0)) {
            throw new IllegalArgumentException("GroupNorm over " + gamma.getShape().get(0) + " channels got input " + shape);
        }
        long groupSize = shape.size() / n / groups;
        NDArray[] unit = identity(groupSize, x.getDataType());
        NDArray normed = ai.djl.nn.norm.LayerNorm.layerNorm(x.reshape(n, groups, groupSize), new Shape(groupSize),
                unit[0], unit[1], eps).singletonOrThrow().reshape(shape);
        Shape channelShape = channelShape(shape.dimension(), c);
        // The reshaped views are closed at once: left open they would pile up in the weights' manager.
        try (NDArray scale = gamma.reshape(channelShape); NDArray shift = beta.reshape(channelShape)) {
            return normed.muli(scale).addi(shift);
        }
    }

    private NDArray[] identity(long groupSize, DataType type) {
        return identity.computeIfAbsent(groupSize + "/" + type, key -> new NDArray[] {
                gamma.getManager().ones(new Shape(groupSize), type),
                gamma.getManager().zeros(new Shape(groupSize), type)});
    }

    private static Shape channelShape(int rank, long channels) {
        long[] dims = new long[rank];
        java.util.Arrays.fill(dims, 1);
        dims[1] = channels;
        return new Shape(dims);
    }
}
