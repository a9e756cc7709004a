package dev.sdbot.inference.upscale;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.nn.Conv2d;
import dev.sdbot.inference.nn.Scope;
import dev.sdbot.inference.nn.Weights;

import java.util.ArrayList;
import java.util.List;

/**
 * Real-ESRGAN's SRVGGNetCompact ({@code realesrgan/archs/srvgg_arch.py}) with PReLU activations (realesr-general,
 * realesr-animevideo): convolutions at the input size, a pixel shuffle, plus the nearest-upsampled input.
 */
final class SrvggNet implements UpscalerNet {
    private final List<Conv2d> convs;
    private final List<NDArray> slopes;
    private final int scale;

    private SrvggNet(List<Conv2d> convs, List<NDArray> slopes, int scale) {
        this.convs = convs;
        this.slopes = slopes;
        this.scale = scale;
    }

    static SrvggNet load(Weights w) {
        List<Conv2d> convs = new ArrayList<>();
        List<NDArray> slopes = new ArrayList<>();
        for (int i : w.indices("body")) {
            NDArray weight = w.get("body." + i + ".weight");
            if (weight.getShape().dimension() == 4) {
                convs.add(Conv2d.load(w, "body." + i));
            } else {
                slopes.add(weight.reshape(1, -1, 1, 1));
            }
        }
        if (convs.size() != slopes.size() + 1) {
            throw new IllegalArgumentException("SRVGGNetCompact needs a PReLU after every convolution but the last");
        }
        long outChannels = convs.get(convs.size() - 1).outChannels();
        int scale = (int) Math.round(Math.sqrt(outChannels / 3.0));
        if (scale * scale * 3 != outChannels) {
            throw new IllegalArgumentException("SRVGGNetCompact's last convolution has " + outChannels + " channels");
        }
        return new SrvggNet(convs, slopes, scale);
    }

    @Override
    public NDArray forward(NDArray image) {
        try (Scope scope = Scope.of(image)) {
            NDArray out = image;
            for (int i = 0; i < slopes.size(); i++) {
                out = prelu(convs.get(i).forward(out), slopes.get(i));
            }
            out = PixelShuffle.shuffle(convs.get(convs.size() - 1).forward(out), scale);
            return scope.keep(out.add(PixelShuffle.nearest(image, scale)));
        }
    }

    /** max(0, x) + slope · min(0, x), one slope per channel. */
    private static NDArray prelu(NDArray x, NDArray slope) {
        return x.maximum(0).add(x.minimum(0).mul(slope));
    }

    @Override
    public int scale() {
        return scale;
    }

    @Override
    public String describe() {
        return "SRVGGNetCompact x" + scale + " (" + (convs.size() - 2) + " body convolutions)";
    }
}
