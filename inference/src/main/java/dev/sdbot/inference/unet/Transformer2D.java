package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.nn.Conv2d;
import dev.sdbot.inference.nn.GroupNorm;
import dev.sdbot.inference.nn.Linear;
import dev.sdbot.inference.nn.Scope;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.CheckpointException;

import java.util.ArrayList;
import java.util.List;

/**
 * diffusers Transformer2DModel (continuous input): GroupNorm, proj_in, transformer blocks over the H*W
 * positions, proj_out, plus the input. proj_in/proj_out are 1x1 convs in SD 1.x and Linear layers when
 * {@code use_linear_projection} (SD 2.x); the two differ only in where the NCHW -> (B, HW, C) reshape happens.
 */
final class Transformer2D {
    private static final float NORM_EPS = 1e-6f;

    private final GroupNorm norm;
    private final Linear projInLinear;
    private final Conv2d projInConv;
    private final List<TransformerBlock> blocks;
    private final Linear projOutLinear;
    private final Conv2d projOutConv;

    private Transformer2D(GroupNorm norm, Linear projInLinear, Conv2d projInConv, List<TransformerBlock> blocks,
                          Linear projOutLinear, Conv2d projOutConv) {
        this.norm = norm;
        this.projInLinear = projInLinear;
        this.projInConv = projInConv;
        this.blocks = blocks;
        this.projOutLinear = projOutLinear;
        this.projOutConv = projOutConv;
    }

    /** Linear or conv projections are chosen from the stored weights' rank, so either naming works. */
    static Transformer2D load(Weights w, int groups, int heads, boolean upcastAttention) {
        List<TransformerBlock> blocks = new ArrayList<>();
        for (int i : w.indices("transformer_blocks")) {
            blocks.add(TransformerBlock.load(w.sub("transformer_blocks." + i), heads, upcastAttention));
        }
        if (blocks.isEmpty()) {
            throw new CheckpointException("Transformer2D without transformer_blocks");
        }
        boolean linear = w.get("proj_in.weight").getShape().dimension() == 2;
        return new Transformer2D(GroupNorm.load(w, "norm", groups, NORM_EPS),
                linear ? Linear.load(w, "proj_in") : null, linear ? null : Conv2d.load(w, "proj_in"),
                List.copyOf(blocks),
                linear ? Linear.load(w, "proj_out") : null, linear ? null : Conv2d.load(w, "proj_out"));
    }

    NDArray forward(NDArray x, NDArray context) {
        try (Scope scope = Scope.of(x, context)) {
            Shape s = x.getShape();
            long b = s.get(0);
            long c = s.get(1);
            long hw = s.get(2) * s.get(3);
            NDArray h = norm.forward(x);
            if (projInLinear != null) {
                h = projInLinear.forward(h.reshape(b, c, hw).transpose(0, 2, 1));
            } else {
                h = projInConv.forward(h);
                long inner = h.getShape().get(1);
                // the (B, HW, C) view is copied once into a contiguous tensor (reshaping a transposed view to
                // (B*HW, C) forces it); left strided, every layer norm and linear below would copy it again
                h = h.reshape(b, inner, hw).transpose(0, 2, 1).reshape(b * hw, inner).reshape(b, hw, inner);
            }
            for (TransformerBlock block : blocks) {
                h = block.forward(h, context);
            }
            if (projOutLinear != null) {
                h = projOutLinear.forward(h).transpose(0, 2, 1).reshape(s);
            } else {
                h = projOutConv.forward(h.transpose(0, 2, 1).reshape(b, h.getShape().get(2), s.get(2), s.get(3)));
            }
            return scope.keep(h.addi(x));
        }
    }
}
