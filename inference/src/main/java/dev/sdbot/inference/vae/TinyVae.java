package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Conv2d;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.CheckpointException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * diffusers' AutoencoderTiny: TAESD (SD 1.x/2.x) and TAESDXL, a distilled VAE of plain 3x3 convolutions and ReLUs
 * that decodes in a fraction of the full VAE's time at a small loss of detail. Its latents are the UNet's own
 * (scaling factor 1): {@link #decode} takes the sampler's latents and gives images in [-1, 1] as {@link Vae} does.
 *
 * <p>The layer list is read from the weights: diffusers' {@code decoder.layers.N} / {@code encoder.layers.N} or the
 * original TAESD files ({@code taesd_decoder.safetensors}: {@code N.*}, a parameter-free clamp at 0). A layer with a
 * {@code weight} is a convolution, one with {@code conv.0.weight} a residual block; a parameter-free layer is the
 * ReLU right after the decoder's first convolution and a nearest 2x upsampling anywhere else. The encoder's inner
 * convolutions have stride 2.
 */
public final class TinyVae {
    private static final float LATENT_CLAMP = 3f;

    private final List<Layer> decoder;
    private final List<Layer> encoder;

    private TinyVae(List<Layer> decoder, List<Layer> encoder) {
        this.decoder = decoder;
        this.encoder = encoder;
    }

    /** A diffusers AutoencoderTiny (both halves, or only the decoder) or an original TAESD decoder file. */
    public static TinyVae load(Weights w) {
        if (!w.indices("decoder.layers").isEmpty()) {
            Weights enc = w.sub("encoder.layers");
            return new TinyVae(decoderLayers(w.sub("decoder.layers")),
                    enc.keys().isEmpty() ? null : encoderLayers(enc));
        }
        if (!w.indices("").isEmpty()) {
            return new TinyVae(decoderLayers(w), null);
        }
        throw new CheckpointException("not a tiny VAE (TAESD): no decoder.layers.N or N.* weights");
    }

    public boolean canEncode() {
        return encoder != null;
    }

    public DataType dtype() {
        return ((ConvLayer) decoder.stream().filter(l -> l instanceof ConvLayer).findFirst().orElseThrow()).conv
                .weight().getDataType();
    }

    /** @param latents the UNet's latents (B, 4, h, w); returns (B, 3, 8h, 8w) in about [-1, 1] */
    public NDArray decode(NDArray latents) {
        NDArray x = latents.toType(dtype(), false).div(LATENT_CLAMP).tanh().mul(LATENT_CLAMP);
        x = run(decoder, x);
        NDArray out = x.mul(2).sub(1);
        x.close();
        return out.toType(DataType.FLOAT32, false);
    }

    /** @param image (B, 3, H, W) in [-1, 1]; returns the UNet's latents (B, 4, H/8, W/8) */
    public NDArray encode(NDArray image) {
        if (encoder == null) {
            throw new IllegalStateException("this tiny VAE has no encoder weights");
        }
        NDArray x = image.toType(dtype(), false).add(1).div(2);
        return run(encoder, x).toType(DataType.FLOAT32, false);
    }

    /** Runs the layers, freeing each intermediate as soon as the next exists (a 512² activation is 64 MB). */
    private static NDArray run(List<Layer> layers, NDArray input) {
        NDArray x = input;
        for (Layer layer : layers) {
            NDArray next = layer.forward(x);
            if (x != input) {
                x.close();
            }
            x = next;
        }
        return x;
    }

    private static List<Layer> decoderLayers(Weights w) {
        List<Layer> layers = new ArrayList<>();
        boolean seenConv = false;
        for (int i = 0; i <= last(w.indices("")); i++) {
            Layer layer = parametered(w, i, 1);
            if (layer != null) {
                seenConv = true;
                layers.add(layer);
            } else if (seenConv) { // before the first convolution: the original TAESD's clamp, applied in decode
                layers.add(layers.size() == 1 ? Relu.INSTANCE : Upsample2x.INSTANCE);
            }
        }
        return List.copyOf(layers);
    }

    private static List<Layer> encoderLayers(Weights w) {
        List<Layer> layers = new ArrayList<>();
        int last = last(w.indices(""));
        for (int i = 0; i <= last; i++) {
            Layer layer = parametered(w, i, i == 0 || i == last ? 1 : 2);
            if (layer == null) {
                throw new CheckpointException("tiny VAE encoder layer " + i + " has no weights");
            }
            layers.add(layer);
        }
        return List.copyOf(layers);
    }

    private static int last(Set<Integer> indices) {
        return indices.stream().mapToInt(Integer::intValue).max().orElse(-1);
    }

    /** Layer {@code i} if it has weights: a convolution or a residual block; null when parameter-free. */
    private static Layer parametered(Weights w, int i, int stride) {
        if (w.contains(i + ".weight")) {
            return new ConvLayer(Conv2d.load(w, Integer.toString(i), stride));
        }
        if (w.contains(i + ".conv.0.weight")) {
            Weights b = w.sub(Integer.toString(i));
            return new Block(Conv2d.load(b, "conv.0"), Conv2d.load(b, "conv.2"), Conv2d.load(b, "conv.4"),
                    b.contains("skip.weight") ? Conv2d.load(b, "skip") : null);
        }
        return null;
    }

    private interface Layer {
        NDArray forward(NDArray x);
    }

    private record ConvLayer(Conv2d conv) implements Layer {
        @Override
        public NDArray forward(NDArray x) {
            return conv.forward(x);
        }
    }

    private enum Relu implements Layer {
        INSTANCE;

        @Override
        public NDArray forward(NDArray x) {
            return ai.djl.nn.Activation.relu(x);
        }
    }

    /** torch's nn.Upsample(scale_factor=2), nearest. */
    private enum Upsample2x implements Layer {
        INSTANCE;

        @Override
        public NDArray forward(NDArray x) {
            return x.getNDArrayInternal().interpolation(new long[] {x.getShape().get(2) * 2, x.getShape().get(3) * 2},
                    0, false);
        }
    }

    /** AutoencoderTinyBlock: relu(conv(relu(conv(relu(conv(x))))) + skip(x)). */
    private record Block(Conv2d conv0, Conv2d conv2, Conv2d conv4, Conv2d skip) implements Layer {
        @Override
        public NDArray forward(NDArray x) {
            NDArray h = relu(conv0.forward(x));
            h = relu(conv2.forward(h));
            NDArray d = conv4.forward(h);
            h.close();
            NDArray skipped = skip == null ? x : skip.forward(x);
            NDArray sum = d.addi(skipped);
            if (skipped != x) {
                skipped.close();
            }
            return relu(sum);
        }

        /** ReLU that frees its input. */
        private static NDArray relu(NDArray x) {
            NDArray out = ai.djl.nn.Activation.relu(x);
            x.close();
            return out;
        }
    }
}
