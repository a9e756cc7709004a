package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.nn.Conv2d;
import dev.sdbot.inference.nn.Downsample;
import dev.sdbot.inference.nn.GroupNorm;
import dev.sdbot.inference.nn.ResnetBlock;
import dev.sdbot.inference.nn.Upsample;

/**
 * How the VAE runs its layers: on the whole activation ({@link #WHOLE}) or tile by tile with group norms that share
 * the whole image's statistics ({@link TiledLayers}). The encoder and decoder describe their layer order once and
 * hand each layer to one of these. A call leaves its input open, except that a tiled residual block may write its
 * result over its input and return it (callers then must not use the input again).
 */
interface VaeLayers {
    NDArray conv(NDArray x, Conv2d conv);

    /** {@code conv(silu(norm(x)))}: the encoder's and decoder's output head. */
    NDArray normSiluConv(NDArray x, GroupNorm norm, Conv2d conv);

    NDArray resnet(NDArray x, ResnetBlock block);

    NDArray upsample(NDArray x, Upsample up);

    NDArray downsample(NDArray x, Downsample down);

    NDArray attention(NDArray x, SpatialAttention attention);

    /** Closes {@code old} unless the layer returned it, and returns {@code next}. */
    static NDArray replace(NDArray old, NDArray next) {
        if (old != next) {
            old.close();
        }
        return next;
    }

    /** The plain modules on the whole activation: the untiled VAE. */
    VaeLayers WHOLE = new VaeLayers() {
        @Override
        public NDArray conv(NDArray x, Conv2d conv) {
            return conv.forward(x);
        }

        @Override
        public NDArray normSiluConv(NDArray x, GroupNorm norm, Conv2d conv) {
            try (NDArray normed = dev.sdbot.inference.nn.Activations.siluInPlace(norm.forward(x))) {
                return conv.forward(normed);
            }
        }

        @Override
        public NDArray resnet(NDArray x, ResnetBlock block) {
            return block.forward(x, null);
        }

        @Override
        public NDArray upsample(NDArray x, Upsample up) {
            return up.forward(x);
        }

        @Override
        public NDArray downsample(NDArray x, Downsample down) {
            return down.forward(x);
        }

        @Override
        public NDArray attention(NDArray x, SpatialAttention attention) {
            return attention.forward(x);
        }
    };
}
