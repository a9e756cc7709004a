package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.nn.ResnetBlock;
import dev.sdbot.inference.nn.Weights;

/** UNetMidBlock2D as the VAE uses it: resnet, spatial self-attention, resnet; no time embedding. */
final class VaeMidBlock {
    private final ResnetBlock first;
    private final SpatialAttention attention;
    private final ResnetBlock second;

    private VaeMidBlock(ResnetBlock first, SpatialAttention attention, ResnetBlock second) {
        this.first = first;
        this.attention = attention;
        this.second = second;
    }

    static VaeMidBlock load(Weights w, int groups, float eps) {
        return new VaeMidBlock(ResnetBlock.load(w.sub("resnets.0"), groups, eps),
                SpatialAttention.load(w.sub("attentions.0"), groups, eps),
                ResnetBlock.load(w.sub("resnets.1"), groups, eps));
    }

    /** @param x consumed (closed) */
    NDArray forward(NDArray x) {
        NDArray a = first.forward(x, null);
        x.close();
        NDArray b = attention.forward(a);
        a.close();
        NDArray c = second.forward(b, null);
        b.close();
        return c;
    }
}
