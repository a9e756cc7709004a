package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Activations;
import dev.sdbot.inference.nn.Conv2d;
import dev.sdbot.inference.nn.Scope;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.CheckpointException;

import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' ControlNetModel (SD 1.x/2.x, and SDXL's with {@code addition_embed_type: text_time}): a copy of the
 * UNet's encoder (conv_in, down blocks, mid block) whose input is the latents plus the embedded conditioning image; a 1x1 "zero convolution" per skip connection and one
 * after the mid block give the residuals that the UNet adds to its own. An SDXL net adds the pooled text embedding
 * and size/crop ids to its timestep embedding as the SDXL UNet does ({@link TextTimeEmbedding}). Weights use
 * diffusers names.
 */
public final class ControlNet {
    private final ControlNetSpec spec;
    private final TimestepEmbedding timeEmbedding;
    private final TextTimeEmbedding addEmbedding;
    private final Conv2d convIn;
    private final HintEncoder hint;
    private final List<DownBlock> downBlocks;
    private final MidBlock midBlock;
    private final List<Conv2d> zeroConvs;
    private final Conv2d midZeroConv;

    private ControlNet(ControlNetSpec spec, TimestepEmbedding timeEmbedding, TextTimeEmbedding addEmbedding,
                       Conv2d convIn, HintEncoder hint, List<DownBlock> downBlocks, MidBlock midBlock,
                       List<Conv2d> zeroConvs, Conv2d midZeroConv) {
        this.spec = spec;
        this.timeEmbedding = timeEmbedding;
        this.addEmbedding = addEmbedding;
        this.convIn = convIn;
        this.hint = hint;
        this.downBlocks = downBlocks;
        this.midBlock = midBlock;
        this.zeroConvs = zeroConvs;
        this.midZeroConv = midZeroConv;
    }

    /** Builds the net from diffusers-named weights; the block structure is read from the weights themselves. */
    public static ControlNet load(Weights w, ControlNetSpec spec) {
        List<Integer> levels = List.copyOf(w.indices("down_blocks"));
        if (levels.isEmpty() || !w.contains("controlnet_mid_block.weight")) {
            throw new CheckpointException("not a ControlNet: no down_blocks / controlnet_mid_block weights");
        }
        if (spec.heads().size() != levels.size()) {
            throw new CheckpointException("ControlNet config gives " + spec.heads().size() + " head counts for "
                    + levels.size() + " down blocks");
        }
        int layers = w.indices("down_blocks.0.resnets").size();
        List<DownBlock> down = new ArrayList<>();
        for (int i : levels) {
            Weights block = w.sub("down_blocks." + i);
            down.add(DownBlock.load(block, new BlockSpec(layers, !block.indices("attentions").isEmpty(),
                    spec.heads().get(i), !block.indices("downsamplers").isEmpty(), spec.normGroups(),
                    spec.normEps(), spec.upcastAttention())));
        }
        MidBlock mid = MidBlock.load(w.sub("mid_block"), new BlockSpec(1, true, spec.heads().get(levels.size() - 1),
                false, spec.normGroups(), spec.normEps(), spec.upcastAttention()));
        List<Conv2d> zero = new ArrayList<>();
        for (int i : w.indices("controlnet_down_blocks")) {
            zero.add(Conv2d.load(w, "controlnet_down_blocks." + i));
        }
        int channels = (int) w.get("conv_in.weight").getShape().get(0);
        if (spec.textTime() != w.contains("add_embedding.linear_1.weight")) {
            throw new CheckpointException(spec.textTime() ? "SDXL ControlNet config but no add_embedding weights"
                    : "ControlNet has SDXL's add_embedding weights but its config has no addition_embed_type");
        }
        TextTimeEmbedding added = spec.textTime() ? TextTimeEmbedding.load(w.sub("add_embedding"),
                spec.additionTimeEmbedDim(), spec.flipSinToCos(), spec.freqShift()) : null;
        return new ControlNet(spec, TimestepEmbedding.load(w.sub("time_embedding"), channels, spec.flipSinToCos(),
                spec.freqShift()), added, Conv2d.load(w, "conv_in"), HintEncoder.load(w.sub("controlnet_cond_embedding")),
                List.copyOf(down), mid, List.copyOf(zero), Conv2d.load(w, "controlnet_mid_block"));
    }

    public ControlNetSpec spec() {
        return spec;
    }

    /** Width of the text hidden states this net attends to (768 for SD 1.x, 1024 for SD 2.x). */
    public long crossAttentionDim() {
        return spec.crossAttentionDim();
    }

    /**
     * diffusers' {@code ControlNetModel.forward}.
     *
     * @param sample    (B, 4, h, w) scaled model input
     * @param timestep  (1) or (B)
     * @param context   (B, L, cross) text hidden states
     * @param added     SDXL's pooled text embedding and size/crop ids (diffusers' {@code added_cond_kwargs}), null
     *                  for an SD 1.x/2.x net
     * @param image     (B, 3, 8h, 8w) conditioning image in [0, 1], RGB
     * @param scale     the conditioning scale (weight x whether the step is inside start/end)
     * @param guessMode diffusers' {@code guess_mode}: residuals scaled 0.1 (shallowest) .. 1 (mid) times
     *                  {@code scale}, logarithmically
     * @return residuals in the caller's manager and dtype
     */
    public ControlResiduals forward(NDArray sample, NDArray timestep, NDArray context, AddedConditioning added,
                                    NDArray image, float scale, boolean guessMode) {
        int n = zeroConvs.size();
        float[] scales = new float[n + 1];
        for (int i = 0; i <= n; i++) {
            scales[i] = scaleOf(i, n, scale, guessMode);
        }
        return forward(sample, timestep, context, added, image, scales);
    }

    /** How many residuals {@link #forward} returns: one per skip connection, and the mid block's. */
    public int residualCount() {
        return zeroConvs.size() + 1;
    }

    /**
     * As above with a scale per residual ({@link #residualCount()} of them: the down path's from the shallowest, the
     * mid block's last), as A1111's control modes weight them.
     */
    public ControlResiduals forward(NDArray sample, NDArray timestep, NDArray context, AddedConditioning added,
                                    NDArray image, float[] scales) {
        if (scales.length != residualCount()) {
            throw new IllegalArgumentException(scales.length + " scales for " + residualCount() + " residuals");
        }
        if (spec.textTime() != (added != null)) {
            throw new IllegalArgumentException(spec.textTime()
                    ? "this ControlNet (SDXL) needs the pooled text embedding and size/crop ids"
                    : "this ControlNet (SD 1.x/2.x) takes no added conditioning");
        }
        try (Scope scope = Scope.of(sample, timestep, context, image)) {
            DataType callerType = sample.getDataType();
            DataType type = convIn.weight().getDataType();
            long batch = sample.getShape().get(0);
            NDArray x = sample.toType(type, false);
            NDArray ctx = context.toType(type, false);
            NDArray cond = image.toType(type, false);
            if (spec.bgr()) {
                cond = cond.flip(1);
            }
            NDArray t = timestep.getShape().size() == 1 ? timestep.reshape(1) : timestep.reshape(batch);
            NDArray emb = timeEmbedding.forward(t, type);
            if (addEmbedding != null) {
                emb = emb.add(addEmbedding.forward(added.pooled(), added.sizeIds(), type));
            }
            emb = Activations.siluInPlace(emb);
            NDArray h = convIn.forward(x).add(hint.forward(cond));
            List<NDArray> skips = new ArrayList<>();
            skips.add(h);
            for (DownBlock block : downBlocks) {
                List<NDArray> outputs = block.forward(h, emb, ctx);
                skips.addAll(outputs);
                h = outputs.get(outputs.size() - 1);
            }
            h = midBlock.forward(h, emb, ctx);
            if (skips.size() != zeroConvs.size()) {
                throw new CheckpointException("ControlNet has " + zeroConvs.size() + " zero convolutions for "
                        + skips.size() + " skip connections");
            }
            int n = skips.size();
            List<NDArray> down = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                NDArray r = zeroConvs.get(i).forward(skips.get(i)).mul(scales[i]);
                down.add(scope.keep(pool(r).toType(callerType, false)));
            }
            NDArray mid = midZeroConv.forward(h).mul(scales[n]);
            return new ControlResiduals(down, scope.keep(pool(mid).toType(callerType, false)));
        }
    }

    /** torch.logspace(-1, 0, n + 1)[i] * scale in guess mode (not for global-pool nets, as diffusers). */
    private float scaleOf(int i, int n, float scale, boolean guessMode) {
        if (!guessMode || spec.globalPoolConditions()) {
            return scale;
        }
        return (float) Math.pow(10, -1 + (double) i / n) * scale;
    }

    /** Shuffle-type nets ({@code global_pool_conditions}): each residual is its spatial mean. */
    private NDArray pool(NDArray r) {
        return spec.globalPoolConditions() ? r.mean(new int[]{2, 3}, true) : r;
    }

    /** ControlNetConditioningEmbedding: conv_in, then (3x3, 3x3 stride 2) pairs, SiLU after each, then conv_out. */
    private record HintEncoder(Conv2d convIn, List<Conv2d> blocks, Conv2d convOut) {
        static HintEncoder load(Weights w) {
            List<Conv2d> blocks = new ArrayList<>();
            for (int i : w.indices("blocks")) {
                blocks.add(Conv2d.load(w, "blocks." + i, i % 2 == 1 ? 2 : 1));
            }
            return new HintEncoder(Conv2d.load(w, "conv_in"), List.copyOf(blocks), Conv2d.load(w, "conv_out"));
        }

        NDArray forward(NDArray image) {
            NDArray h = Activations.siluInPlace(convIn.forward(image));
            for (Conv2d block : blocks) {
                h = Activations.siluInPlace(block.forward(h));
            }
            return convOut.forward(h);
        }
    }
}
