package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.nn.Downsample;
import dev.sdbot.inference.nn.Weights;

import java.util.ArrayList;
import java.util.List;

/** CrossAttnDownBlock2D (resnet + transformer per layer) or DownBlock2D (resnets only), then an optional Downsample2D. */
final class DownBlock {
    private final BlockLayers layers;
    private final Downsample downsampler;

    private DownBlock(BlockLayers layers, Downsample downsampler) {
        this.layers = layers;
        this.downsampler = downsampler;
    }

    static DownBlock load(Weights w, BlockSpec spec) {
        Downsample down = spec.resample() ? Downsample.load(w.sub("downsamplers.0"), false) : null;
        return new DownBlock(BlockLayers.load(w, spec), down);
    }

    /** @return the skip connections this block adds, in order; the last one is the block's output. */
    List<NDArray> forward(NDArray x, NDArray timeEmbSilu, NDArray context) {
        List<NDArray> outputs = new ArrayList<>();
        NDArray h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.forward(i, h, timeEmbSilu, context);
            outputs.add(h);
        }
        if (downsampler != null) {
            outputs.add(downsampler.forward(h));
        }
        return outputs;
    }
}
