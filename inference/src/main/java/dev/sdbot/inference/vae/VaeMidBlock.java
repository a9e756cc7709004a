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

    /** @param x consumed (closed, or written over by a tiled residual block) */
    NDArray forward(NDArray x, VaeLayers layers) {
        NDArray h = VaeLayers.replace(x, layers.resnet(x, first));
        h = VaeLayers.replace(h, layers.attention(h, attention));
        return VaeLayers.replace(h, layers.resnet(h, second));
    }
}
