package dev.sdbot.inference.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * torch.nn.GroupNorm on NCHW input. DJL has no group norm: the input is viewed as
 * (N, groups, C/groups*H*W), normalised with libtorch's layer norm kernel (unit weight, zero bias)
 * and then scaled per channel, which is the same arithmetic in two native calls.
 */
public record GroupNorm(int groups, NDArray gamma, NDArray beta, float eps) {

    public static GroupNorm load(Weights w, String prefix, int groups, float eps) {
        return new GroupNorm(groups, w.get(prefix + ".weight"), w.get(prefix + ".bias"), eps);
    }

    public NDArray forward(NDArray x) {
        Shape shape = x.getShape();
        long n = shape.get(0);
        long c = shape.get(1);
        long groupSize = shape.size() / n / groups;
        NDArray grouped = x.reshape(n, groups, groupSize);
        NDManager m = x.getManager();
        NDArray ones = m.ones(new Shape(groupSize), x.getDataType());
        NDArray zeros = m.zeros(new Shape(groupSize), x.getDataType());
        NDArray normed = ai.djl.nn.norm.LayerNorm.layerNorm(grouped, new Shape(groupSize), ones, zeros, eps)
                .singletonOrThrow().reshape(shape);
        Shape channelShape = channelShape(shape.dimension(), c);
        return normed.mul(gamma.reshape(channelShape)).add(beta.reshape(channelShape));
    }

    private static Shape channelShape(int rank, long channels) {
        long[] dims = new long[rank];
        java.util.Arrays.fill(dims, 1);
        dims[1] = channels;
        return new Shape(dims);
    }
}
