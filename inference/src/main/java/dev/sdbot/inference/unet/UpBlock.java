package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import dev.sdbot.inference.nn.ResnetBlock;
import dev.sdbot.inference.nn.Upsample;
import dev.sdbot.inference.nn.Weights;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * CrossAttnUpBlock2D or UpBlock2D: each layer concatenates the most recent skip connection on the channel axis
 * before its resnet (and transformer); then an optional Upsample2D to the next skip's size.
 */
final class UpBlock {
    private final List<ResnetBlock> resnets;
    private final List<Transformer2D> attentions;
    private final Upsample upsampler;

    private UpBlock(List<ResnetBlock> resnets, List<Transformer2D> attentions, Upsample upsampler) {
        this.resnets = resnets;
        this.attentions = attentions;
        this.upsampler = upsampler;
    }

    static UpBlock load(Weights w, BlockSpec spec) {
        List<ResnetBlock> resnets = new ArrayList<>();
        List<Transformer2D> attentions = new ArrayList<>();
        for (int i = 0; i < spec.layers(); i++) {
            resnets.add(ResnetBlock.load(w.sub("resnets." + i), spec.groups(), spec.eps()));
            if (spec.crossAttention()) {
                attentions.add(Transformer2D.load(w.sub("attentions." + i), spec.groups(), spec.heads(), spec.upcast()));
            }
        }
        Upsample up = spec.resample() ? Upsample.load(w.sub("upsamplers.0")) : null;
        return new UpBlock(List.copyOf(resnets), List.copyOf(attentions), up);
    }

    int layers() {
        return resnets.size();
    }

    /**
     * @param skips skip connections, most recent last; this block pops (and closes) {@link #layers()} of them
     * @param x     consumed (closed) by this block
     */
    NDArray forward(NDArray x, Deque<NDArray> skips, NDArray timeEmbSilu, NDArray context) {
        NDArray h = x;
        for (int i = 0; i < resnets.size(); i++) {
            NDArray skip = skips.removeLast();
            NDArray joined = NDArrays.concat(new NDList(h, skip), 1);
            h.close();
            skip.close();
            h = resnets.get(i).forward(joined, timeEmbSilu);
            joined.close();
            if (!attentions.isEmpty()) {
                NDArray a = attentions.get(i).forward(h, context);
                h.close();
                h = a;
            }
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
