package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.nn.ResnetBlock;
import dev.sdbot.inference.nn.Weights;

import java.util.ArrayList;
import java.util.List;

/**
 * The layers of a down or up block: {@code resnets.i}, each followed by {@code attentions.i} (a Transformer2D) in
 * the cross-attention variants.
 */
final class BlockLayers {
    private final List<ResnetBlock> resnets;
    private final List<Transformer2D> attentions;

    private BlockLayers(List<ResnetBlock> resnets, List<Transformer2D> attentions) {
        this.resnets = resnets;
        this.attentions = attentions;
    }

    static BlockLayers load(Weights w, BlockSpec spec) {
        List<ResnetBlock> resnets = new ArrayList<>();
        List<Transformer2D> attentions = new ArrayList<>();
        for (int i = 0; i < spec.layers(); i++) {
            resnets.add(ResnetBlock.load(w.sub("resnets." + i), spec.groups(), spec.eps()));
            if (spec.crossAttention()) {
                attentions.add(Transformer2D.load(w.sub("attentions." + i), spec.groups(), spec.heads(), spec.upcast()));
            }
        }
        return new BlockLayers(List.copyOf(resnets), List.copyOf(attentions));
    }

    int size() {
        return resnets.size();
    }

    /**
     * Layer {@code i}: its resnet, then its transformer when the block has them.
     *
     * @param x left open
     */
    NDArray forward(int i, NDArray x, NDArray timeEmbSilu, NDArray context) {
        NDArray h = resnets.get(i).forward(x, timeEmbSilu);
        if (!attentions.isEmpty()) {
            NDArray a = attentions.get(i).forward(h, context);
            h.close();
            h = a;
        }
        return h;
    }
}
