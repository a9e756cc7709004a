package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;
import dev.sdbot.inference.model.VaeConfig;
import dev.sdbot.inference.nn.Conv2d;
import dev.sdbot.inference.nn.GroupNorm;
import dev.sdbot.inference.nn.ResnetBlock;
import dev.sdbot.inference.nn.Upsample;
import dev.sdbot.inference.nn.Weights;

import java.util.ArrayList;
import java.util.List;

/** diffusers Decoder: conv_in, mid block, UpDecoderBlock2Ds (widest first, 2x nearest upsampling), norm, silu, conv_out. */
final class VaeDecoder {
    private final Conv2d convIn;
    private final VaeMidBlock mid;
    private final List<List<ResnetBlock>> resnets;
    private final List<Upsample> upsamplers;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    private VaeDecoder(Conv2d convIn, VaeMidBlock mid, List<List<ResnetBlock>> resnets, List<Upsample> upsamplers,
                       GroupNorm normOut, Conv2d convOut) {
        this.convIn = convIn;
        this.mid = mid;
        this.resnets = resnets;
        this.upsamplers = upsamplers;
        this.normOut = normOut;
        this.convOut = convOut;
    }

    static VaeDecoder load(Weights w, VaeConfig c) {
        int n = c.blockOutChannels().size();
        List<List<ResnetBlock>> resnets = new ArrayList<>();
        List<Upsample> upsamplers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Weights block = w.sub("up_blocks." + i);
            List<ResnetBlock> layers = new ArrayList<>();
            for (int j = 0; j <= c.layersPerBlock(); j++) {
                layers.add(ResnetBlock.load(block.sub("resnets." + j), c.normGroups(), Vae.NORM_EPS));
            }
            resnets.add(List.copyOf(layers));
            if (i < n - 1) {
                upsamplers.add(Upsample.load(block.sub("upsamplers.0")));
            }
        }
        return new VaeDecoder(Conv2d.load(w, "conv_in"), VaeMidBlock.load(w.sub("mid_block"), c.normGroups(), Vae.NORM_EPS),
                List.copyOf(resnets), List.copyOf(upsamplers),
                GroupNorm.load(w, "conv_norm_out", c.normGroups(), Vae.NORM_EPS), Conv2d.load(w, "conv_out"));
    }

    /** @param z latents after post_quant_conv; left open */
    NDArray forward(NDArray z, VaeLayers layers) {
        NDArray h = layers.conv(z, convIn);
        h = mid.forward(h, layers);
        for (int i = 0; i < resnets.size(); i++) {
            for (ResnetBlock resnet : resnets.get(i)) {
                h = VaeLayers.replace(h, layers.resnet(h, resnet));
            }
            if (i < upsamplers.size()) {
                h = VaeLayers.replace(h, layers.upsample(h, upsamplers.get(i)));
            }
        }
        return VaeLayers.replace(h, layers.normSiluConv(h, normOut, convOut));
    }
}
