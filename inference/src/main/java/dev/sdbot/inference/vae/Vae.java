package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.model.VaeConfig;
import dev.sdbot.inference.nn.Conv2d;
import dev.sdbot.inference.nn.Scope;
import dev.sdbot.inference.nn.Weights;

/**
 * diffusers AutoencoderKL: {@link #encode} images in [-1, 1] to a latent distribution, {@link #decode} latents
 * (already divided by the scaling factor) to images in about [-1, 1]. Weights use diffusers names.
 * Either half may be absent (a decoder-only VAE cannot encode).
 */
public final class Vae {
    static final float NORM_EPS = 1e-6f;
    private static final float LOGVAR_MIN = -30f;
    private static final float LOGVAR_MAX = 20f;

    private final VaeConfig config;
    private final VaeEncoder encoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;
    private final VaeDecoder decoder;

    private Vae(VaeConfig config, VaeEncoder encoder, Conv2d quantConv, Conv2d postQuantConv, VaeDecoder decoder) {
        this.config = config;
        this.encoder = encoder;
        this.quantConv = quantConv;
        this.postQuantConv = postQuantConv;
        this.decoder = decoder;
    }

    public static Vae load(Weights w, VaeConfig c) {
        boolean hasEncoder = w.contains("encoder.conv_in.weight");
        return new Vae(c,
                hasEncoder ? VaeEncoder.load(w.sub("encoder"), c) : null,
                hasEncoder ? Conv2d.load(w, "quant_conv") : null,
                Conv2d.load(w, "post_quant_conv"),
                VaeDecoder.load(w.sub("decoder"), c));
    }

    public VaeConfig config() {
        return config;
    }

    /** The dtype the VAE computes in (that of its weights). */
    public DataType dtype() {
        return postQuantConv.weight().getDataType();
    }

    public boolean canEncode() {
        return encoder != null;
    }

    /** @param image (B, in_channels, H, W) in [-1, 1], H and W multiples of {@link VaeConfig#downscaleFactor()} */
    public LatentDistribution encode(NDArray image) {
        return encode(image, VaeLayers.WHOLE);
    }

    LatentDistribution encode(NDArray image, VaeLayers layers) {
        if (encoder == null) {
            throw new IllegalStateException("this VAE has no encoder weights");
        }
        Shape s = image.getShape();
        int f = config.downscaleFactor();
        if (s.dimension() != 4 || s.get(1) != config.inChannels() || s.get(2) % f != 0 || s.get(3) % f != 0) {
            throw new IllegalArgumentException("VAE encoder expects (B, " + config.inChannels()
                    + ", H, W) with H and W multiples of " + f + ", got " + s);
        }
        try (Scope scope = Scope.of(image)) {
            NDArray features = encoder.forward(image.toType(quantConv.weight().getDataType(), false), layers);
            NDArray moments = layers.conv(features, quantConv).toType(DataType.FLOAT32, false);
            NDList halves = moments.split(2, 1);
            NDArray mean = halves.get(0).duplicate();
            NDArray logvar = halves.get(1).clip(LOGVAR_MIN, LOGVAR_MAX);
            return new LatentDistribution(scope.keep(mean), scope.keep(logvar));
        }
    }

    /** @param latents (B, latent_channels, h, w), already divided by the scaling factor */
    public NDArray decode(NDArray latents) {
        return decode(latents, VaeLayers.WHOLE);
    }

    NDArray decode(NDArray latents, VaeLayers layers) {
        Shape s = latents.getShape();
        if (s.dimension() != 4 || s.get(1) != config.latentChannels()) {
            throw new IllegalArgumentException("VAE decoder expects (B, " + config.latentChannels() + ", h, w), got " + s);
        }
        try (Scope scope = Scope.of(latents)) {
            NDArray in = latents.toType(postQuantConv.weight().getDataType(), false);
            return scope.keep(decoder.forward(layers.conv(in, postQuantConv), layers).toType(DataType.FLOAT32, false));
        }
    }
}
