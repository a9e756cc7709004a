package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.nn.ResnetBlock;
import dev.sdbot.inference.nn.Weights;

/** UNetMidBlock2DCrossAttn: resnet, transformer, resnet at the lowest resolution. */
final class MidBlock {
    private final ResnetBlock first;
    private final Transformer2D attention;
    private final ResnetBlock second;

    private MidBlock(ResnetBlock first, Transformer2D attention, ResnetBlock second) {
        this.first = first;
        this.attention = attention;
        this.second = second;
    }

    static MidBlock load(Weights w, BlockSpec spec) {
        return new MidBlock(ResnetBlock.load(w.sub("resnets.0"), spec.groups(), spec.eps()),
                Transformer2D.load(w.sub("attentions.0"), spec.groups(), spec.heads(), spec.upcast()),
                ResnetBlock.load(w.sub("resnets.1"), spec.groups(), spec.eps()));
    }

    /** @param x left open: it is also the deepest skip connection */
    NDArray forward(NDArray x, NDArray timeEmbSilu, NDArray context) {
        NDArray a = first.forward(x, timeEmbSilu);
        NDArray b = attention.forward(a, context);
        a.close();
        NDArray c = second.forward(b, timeEmbSilu);
        b.close();
        return c;
    }
}
