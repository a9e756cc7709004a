package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.nn.Downsample;
import dev.sdbot.inference.nn.ResnetBlock;
import dev.sdbot.inference.nn.Weights;

import java.util.ArrayList;
import java.util.List;

/** CrossAttnDownBlock2D (resnet + transformer per layer) or DownBlock2D (resnets only), then an optional Downsample2D. */
final class DownBlock {
    private final List<ResnetBlock> resnets;
    private final List<Transformer2D> attentions;
    private final Downsample downsampler;

    private DownBlock(List<ResnetBlock> resnets, List<Transformer2D> attentions, Downsample downsampler) {
        this.resnets = resnets;
        this.attentions = attentions;
        this.downsampler = downsampler;
    }

    static DownBlock load(Weights w, BlockSpec spec) {
        List<ResnetBlock> resnets = new ArrayList<>();
        List<Transformer2D> attentions = new ArrayList<>();
        for (int i = 0; i < spec.layers(); i++) {
            resnets.add(ResnetBlock.load(w.sub("resnets." + i), spec.groups(), spec.eps()));
            if (spec.crossAttention()) {
                attentions.add(Transformer2D.load(w.sub("attentions." + i), spec.groups(), spec.heads(), spec.upcast()));
            }
        }
        Downsample down = spec.resample() ? Downsample.load(w.sub("downsamplers.0"), false) : null;
        return new DownBlock(List.copyOf(resnets), List.copyOf(attentions), down);
    }

    /** @return the skip connections this block adds, in order; the last one is the block's output. */
    List<NDArray> forward(NDArray x, NDArray timeEmbSilu, NDArray context) {
        List<NDArray> outputs = new ArrayList<>();
        NDArray h = x;
        for (int i = 0; i < resnets.size(); i++) {
            NDArray r = resnets.get(i).forward(h, timeEmbSilu);
            if (!attentions.isEmpty()) {
                NDArray a = attentions.get(i).forward(r, context);
                r.close();
                r = a;
            }
            outputs.add(r);
            h = r;
        }
        if (downsampler != null) {
            outputs.add(downsampler.forward(h));
        }
        return outputs;
    }
}
