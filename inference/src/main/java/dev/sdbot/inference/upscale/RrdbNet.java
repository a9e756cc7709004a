package dev.sdbot.inference.upscale;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.nn.Activation;
import dev.sdbot.inference.nn.Conv2d;
import dev.sdbot.inference.nn.Scope;
import dev.sdbot.inference.nn.Weights;

import java.util.ArrayList;
import java.util.List;

/**
 * ESRGAN's RRDBNet as BasicSR writes it ({@code basicsr/archs/rrdbnet_arch.py}): ESRGAN, Real-ESRGAN x4plus/x2plus,
 * 4x-UltraSharp and the like. Scale 2 and 1 fold the input with pixel-unshuffle first, as BasicSR does. Weights under
 * BasicSR names ({@link UpscalerWeights} maps the original ESRGAN layout onto them).
 */
final class RrdbNet implements UpscalerNet {
    private static final float SLOPE = 0.2f;
    private static final float RESIDUAL = 0.2f;

    private final int scale;
    private final Conv2d first;
    private final List<Conv2d[][]> blocks;
    private final Conv2d body;
    private final Conv2d up1;
    private final Conv2d up2;
    private final Conv2d hr;
    private final Conv2d last;

    private RrdbNet(int scale, Conv2d first, List<Conv2d[][]> blocks, Conv2d body, Conv2d up1, Conv2d up2, Conv2d hr,
                    Conv2d last) {
        this.scale = scale;
        this.first = first;
        this.blocks = blocks;
        this.body = body;
        this.up1 = up1;
        this.up2 = up2;
        this.hr = hr;
        this.last = last;
    }

    static RrdbNet load(Weights w) {
        long inChannels = w.get("conv_first.weight").getShape().get(1);
        int scale = switch ((int) inChannels) {
            case 3 -> 4;
            case 12 -> 2;
            case 48 -> 1;
            default -> throw new IllegalArgumentException("RRDBNet with " + inChannels + " input channels");
        };
        List<Conv2d[][]> blocks = new ArrayList<>();
        for (int i : w.indices("body")) {
            Conv2d[][] rrdb = new Conv2d[3][5];
            for (int r = 0; r < 3; r++) {
                for (int c = 0; c < 5; c++) {
                    rrdb[r][c] = Conv2d.load(w, "body." + i + ".rdb" + (r + 1) + ".conv" + (c + 1));
                }
            }
            blocks.add(rrdb);
        }
        return new RrdbNet(scale, Conv2d.load(w, "conv_first"), blocks, Conv2d.load(w, "conv_body"),
                Conv2d.load(w, "conv_up1"), Conv2d.load(w, "conv_up2"), Conv2d.load(w, "conv_hr"),
                Conv2d.load(w, "conv_last"));
    }

    @Override
    public NDArray forward(NDArray image) {
        try (Scope scope = Scope.of(image)) {
            NDArray feat = first.forward(scale == 4 ? image : PixelShuffle.unshuffle(image, 4 / scale));
            NDArray trunk = feat;
            for (Conv2d[][] rrdb : blocks) {
                trunk = rrdb(rrdb, trunk);
            }
            feat = feat.add(body.forward(trunk));
            feat = lrelu(up1.forward(PixelShuffle.nearest2x(feat)));
            feat = lrelu(up2.forward(PixelShuffle.nearest2x(feat)));
            return scope.keep(last.forward(lrelu(hr.forward(feat))));
        }
    }

    private static NDArray rrdb(Conv2d[][] rrdb, NDArray x) {
        try (Scope scope = Scope.of(x)) {
            NDArray out = x;
            for (Conv2d[] dense : rrdb) {
                out = residualDense(dense, out);
            }
            return scope.keep(out.mul(RESIDUAL).add(x));
        }
    }

    /** One dense block in a scope of its own: its concatenations are freed as soon as it returns. */
    private static NDArray residualDense(Conv2d[] conv, NDArray x) {
        try (Scope scope = Scope.of(x)) {
            NDList features = new NDList(x);
            for (int i = 0; i < 4; i++) {
                features.add(lrelu(conv[i].forward(NDArrays.concat(features, 1))));
            }
            return scope.keep(conv[4].forward(NDArrays.concat(features, 1)).mul(RESIDUAL).add(x));
        }
    }

    private static NDArray lrelu(NDArray x) {
        return Activation.leakyRelu(x, SLOPE);
    }

    @Override
    public int scale() {
        return scale;
    }

    @Override
    public String describe() {
        return "RRDBNet x" + scale + " (" + blocks.size() + " blocks)";
    }
}
