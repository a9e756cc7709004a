package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.model.VaeConfig;
import dev.sdbot.inference.nn.Conv2d;
import dev.sdbot.inference.nn.Downsample;
import dev.sdbot.inference.nn.GroupNorm;
import dev.sdbot.inference.nn.ResnetBlock;
import dev.sdbot.inference.nn.Weights;

import java.util.ArrayList;
import java.util.List;

/** diffusers Encoder: conv_in, DownEncoderBlock2Ds (asymmetrically padded downsampling), mid block, norm, silu, conv_out. */
final class VaeEncoder {
    private final Conv2d convIn;
    private final List<List<ResnetBlock>> resnets;
    private final List<Downsample> downsamplers;
    private final VaeMidBlock mid;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    private VaeEncoder(Conv2d convIn, List<List<ResnetBlock>> resnets, List<Downsample> downsamplers, VaeMidBlock mid,
                       GroupNorm normOut, Conv2d convOut) {
        this.convIn = convIn;
        this.resnets = resnets;
        this.downsamplers = downsamplers;
        this.mid = mid;
        this.normOut = normOut;
        this.convOut = convOut;
    }

    static VaeEncoder load(Weights w, VaeConfig c) {
        int n = c.blockOutChannels().size();
        List<List<ResnetBlock>> resnets = new ArrayList<>();
        List<Downsample> downsamplers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Weights block = w.sub("down_blocks." + i);
            List<ResnetBlock> layers = new ArrayList<>();
            for (int j = 0; j < c.layersPerBlock(); j++) {
                layers.add(ResnetBlock.load(block.sub("resnets." + j), c.normGroups(), Vae.NORM_EPS));
            }
            resnets.add(List.copyOf(layers));
            if (i < n - 1) {
                downsamplers.add(Downsample.load(block.sub("downsamplers.0"), true));
            }
        }
        return new VaeEncoder(Conv2d.load(w, "conv_in"), List.copyOf(resnets), List.copyOf(downsamplers),
                VaeMidBlock.load(w.sub("mid_block"), c.normGroups(), Vae.NORM_EPS),
                GroupNorm.load(w, "conv_norm_out", c.normGroups(), Vae.NORM_EPS), Conv2d.load(w, "conv_out"));
    }

    /** @return (B, 2 * latent channels, h/f, w/f): mean and log-variance before quant_conv; image left open */
    NDArray forward(NDArray image, VaeLayers layers) {
        NDArray h = layers.conv(image, convIn);
        for (int i = 0; i < resnets.size(); i++) {
            for (ResnetBlock resnet : resnets.get(i)) {
                h = VaeLayers.replace(h, layers.resnet(h, resnet));
            }
            if (i < downsamplers.size()) {
                h = VaeLayers.replace(h, layers.downsample(h, downsamplers.get(i)));
            }
        }
        h = mid.forward(h, layers);
        return VaeLayers.replace(h, layers.normSiluConv(h, normOut, convOut));
    }
}
