package dev.sdbot.inference.nn;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;

import java.util.HashMap;
import java.util.Map;

/**
 * torch.nn.GroupNorm on NCHW input. DJL has no group norm: the input is viewed as
 * (N, groups, C/groups*H*W), normalised with libtorch's layer norm kernel (unit weight, zero bias)
 * and then scaled per channel, which is the same arithmetic in two native calls.
 */
public final class GroupNorm {
    private final int groups;
    private final NDArray gamma;
    private final NDArray beta;
    private final float eps;

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
        NDArray normed;
        try (NDArray ones = UnitAffine.ones(groupSize, x); NDArray zeros = UnitAffine.zeros(groupSize, x)) {
            normed = ai.djl.nn.norm.LayerNorm.layerNorm(x.reshape(n, groups, groupSize), new Shape(groupSize),
                    ones, zeros, eps).singletonOrThrow().reshape(shape);
        }
        Shape channelShape = channelShape(shape.dimension(), c);
        // The reshaped views are closed at once: left open they would pile up in the weights' manager.
        try (NDArray scale = gamma.reshape(channelShape); NDArray shift = beta.reshape(channelShape)) {
            return normed.muli(scale).addi(shift);
        }
    }

    private static Shape channelShape(int rank, long channels) {
        long[] dims = new long[rank];
        java.util.Arrays.fill(dims, 1);
        dims[1] = channels;
        return new Shape(dims);
    }

    /**
     * The unit weight and zero bias the layer-norm kernel needs, allocated once per dtype and device (grown to
     * the largest group seen, ~10 MB for a 768x768 VAE) instead of twice per call; callers get views to close.
     */
    private static final class UnitAffine {
        private static final Map<String, NDArray[]> CACHE = new HashMap<>();
        private static NDManager manager;

        static NDArray ones(long size, NDArray like) {
            return slice(size, like, 0);
        }

        static NDArray zeros(long size, NDArray like) {
            return slice(size, like, 1);
        }

        private static synchronized NDArray slice(long size, NDArray like, int which) {
            DataType type = like.getDataType();
            Device device = like.getDevice();
            String key = type + "@" + device;
            NDArray[] pair = CACHE.get(key);
            if (pair == null || pair[0].getShape().get(0) < size) {
                if (manager == null) {
                    manager = NDManager.newBaseManager();
                }
                if (pair != null) {
                    // views handed out earlier keep their storage alive in libtorch
                    pair[0].close();
                    pair[1].close();
                }
                pair = new NDArray[] {manager.ones(new Shape(size), type, device),
                        manager.zeros(new Shape(size), type, device)};
                CACHE.put(key, pair);
            }
            return pair[which].get("0:{}", size);
        }
    }
}
