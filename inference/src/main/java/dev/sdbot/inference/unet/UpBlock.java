package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.sdbot.inference.nn.Upsample;
import dev.sdbot.inference.nn.Weights;

import java.util.Deque;

/**
 * CrossAttnUpBlock2D or UpBlock2D: each layer concatenates the most recent skip connection on the channel axis
 * before its resnet (and transformer); then an optional Upsample2D to the next skip's size.
 */
final class UpBlock {
    private final BlockLayers layers;
    private final Upsample upsampler;

    private UpBlock(BlockLayers layers, Upsample upsampler) {
        this.layers = layers;
        this.upsampler = upsampler;
    }

    static UpBlock load(Weights w, BlockSpec spec) {
        Upsample up = spec.resample() ? Upsample.load(w.sub("upsamplers.0")) : null;
        return new UpBlock(BlockLayers.load(w, spec), up);
    }

    int layers() {
        return layers.size();
    }

    /**
     * @param skips skip connections, most recent last; this block pops (and closes) {@link #layers()} of them
     * @param x     consumed (closed) by this block
     */
    NDArray forward(NDArray x, Deque<NDArray> skips, NDArray timeEmbSilu, NDArray context) {
        NDArray h = x;
        for (int i = 0; i < layers.size(); i++) {
            NDArray skip = skips.removeLast();
            NDArray joined = NDArrays.concat(new NDList(h, skip), 1);
            h.close();
            skip.close();
            h = layers.forward(i, joined, timeEmbSilu, context);
            joined.close();
        }
        if (upsampler != null) {
            NDArray next = skips.peekLast();
            NDArray up = next == null ? upsampler.forward(h)
                    : upsampler.forward(h, next.getShape().get(2), next.getShape().get(3));
            h.close();
            h = up;
        }
        return h;
    }
}
