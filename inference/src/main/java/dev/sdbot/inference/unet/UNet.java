package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.nn.Activations;
import dev.sdbot.inference.nn.Conv2d;
import dev.sdbot.inference.nn.GroupNorm;
import dev.sdbot.inference.nn.Scope;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.CheckpointException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * diffusers UNet2DConditionModel for SD 1.x/2.x and SDXL: predicts noise (or v) for latents {@code sample} at
 * {@code timesteps} given the text encoder's hidden states (and, for SDXL, the pooled text embedding and the
 * size/crop ids). Weights use diffusers names.
 */
public final class UNet {
    private final UNetConfig config;
    private final TimestepEmbedding timeEmbedding;
    private final TextTimeEmbedding addEmbedding;
    private final Conv2d convIn;
    private final List<DownBlock> downBlocks;
    private final MidBlock midBlock;
    private final List<UpBlock> upBlocks;
    private final GroupNorm normOut;
    private final Conv2d convOut;

    private UNet(UNetConfig config, TimestepEmbedding timeEmbedding, TextTimeEmbedding addEmbedding, Conv2d convIn,
                 List<DownBlock> downBlocks, MidBlock midBlock, List<UpBlock> upBlocks, GroupNorm normOut,
                 Conv2d convOut) {
        this.config = config;
        this.timeEmbedding = timeEmbedding;
        this.addEmbedding = addEmbedding;
        this.convIn = convIn;
        this.downBlocks = downBlocks;
        this.midBlock = midBlock;
        this.upBlocks = upBlocks;
        this.normOut = normOut;
        this.convOut = convOut;
    }

    /**
     * Builds the UNet from weights under diffusers names (no prefix). Head counts follow diffusers: the
     * configured per-block counts for the down blocks, reversed for the up blocks, the last one for the mid block.
     */
    public static UNet load(Weights w, UNetConfig c) {
        int n = c.blockCount();
        int groups = c.normGroups();
        float eps = (float) c.normEps();
        List<DownBlock> down = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean cross = c.downBlockTypes().get(i).equals(UNetConfig.CROSS_ATTN_DOWN);
            down.add(DownBlock.load(w.sub("down_blocks." + i), new BlockSpec(c.layersPerBlock(), cross,
                    c.attentionHeads().get(i), i < n - 1, groups, eps, c.upcastAttention())));
        }
        MidBlock mid = MidBlock.load(w.sub("mid_block"), new BlockSpec(1, true, c.attentionHeads().get(n - 1),
                false, groups, eps, c.upcastAttention()));
        List<UpBlock> up = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean cross = c.upBlockTypes().get(i).equals(UNetConfig.CROSS_ATTN_UP);
            up.add(UpBlock.load(w.sub("up_blocks." + i), new BlockSpec(c.layersPerBlock() + 1, cross,
                    c.attentionHeads().get(n - 1 - i), i < n - 1, groups, eps, c.upcastAttention())));
        }
        Conv2d convIn = Conv2d.load(w, "conv_in");
        if (convIn.weight().getShape().get(1) != c.inChannels()) {
            throw new CheckpointException("UNet conv_in takes "
                    + convIn.weight().getShape().get(1) + " channels but the config says " + c.inChannels());
        }
        return new UNet(c,
                TimestepEmbedding.load(w.sub("time_embedding"), c.blockOutChannels().get(0), c.flipSinToCos(),
                        c.freqShift()),
                c.textTimeConditioning() ? TextTimeEmbedding.load(w.sub("add_embedding"), c.additionTimeEmbedDim(),
                        c.flipSinToCos(), c.freqShift()) : null,
                convIn, List.copyOf(down), mid, List.copyOf(up),
                GroupNorm.load(w, "conv_norm_out", groups, eps), Conv2d.load(w, "conv_out"));
    }

    public UNetConfig config() {
        return config;
    }

    /**
     * @param sample    (B, in_channels, h, w) latents (already scaled by the scheduler)
     * @param timesteps (B) or (1), any numeric type
     * @param context   (B, L, cross_attention_dim) text hidden states
     * @return (B, out_channels, h, w) in the caller's manager (that of {@code sample}) and dtype; the network
     *         itself runs in its weights' dtype (the compute precision)
     */
    public NDArray forward(NDArray sample, NDArray timesteps, NDArray context) {
        if (addEmbedding != null) {
            throw new IllegalArgumentException("this UNet (SDXL) needs the pooled text embedding and size/crop ids");
        }
        return forward(sample, timesteps, context, null, null);
    }

    /**
     * SDXL's forward with added conditioning (diffusers' {@code added_cond_kwargs}).
     *
     * @param pooled  (B, pooled width) text embeddings ({@code text_embeds})
     * @param sizeIds (B, 6) {@code time_ids}: {@code [orig_h, orig_w, crop_top, crop_left, target_h, target_w]}
     */
    public NDArray forward(NDArray sample, NDArray timesteps, NDArray context, NDArray pooled, NDArray sizeIds) {
        return forward(sample, timesteps, context, pooled, sizeIds, null);
    }

    /**
     * The forward with ControlNet residuals (diffusers' {@code down_block_additional_residuals} and
     * {@code mid_block_additional_residual}): each is added to its skip connection after the down path, the last
     * to the mid block's output.
     *
     * @param control null for none; for SD 1.x/2.x {@code pooled} and {@code sizeIds} are null
     */
    public NDArray forward(NDArray sample, NDArray timesteps, NDArray context, NDArray pooled, NDArray sizeIds,
                           ControlResiduals control) {
        validate(sample, timesteps, context);
        long batch = sample.getShape().get(0);
        if (addEmbedding != null) {
            validateAdded(pooled, sizeIds, batch);
        }
        try (Scope scope = Scope.of(sample, timesteps, context)) {
            DataType callerType = sample.getDataType();
            DataType type = convIn.weight().getDataType();
            sample = sample.toType(type, false);
            context = context.toType(type, false);
            // One shared timestep: its embedding is computed once, (1, T), and broadcast in the resnet blocks.
            // Also keeps a batch item's result independent of the batch size (small-M GEMMs round differently).
            NDArray t = timesteps.getShape().size() == 1 ? timesteps.reshape(1) : timesteps.reshape(batch);
            NDArray timeEmb = timeEmbedding.forward(t, sample.getDataType());
            if (addEmbedding != null) {
                timeEmb = timeEmb.add(addEmbedding.forward(pooled, sizeIds, sample.getDataType()));
            }
            NDArray timeEmbSilu = Activations.siluInPlace(timeEmb);

            Deque<NDArray> skips = new ArrayDeque<>();
            NDArray h = convIn.forward(sample);
            skips.addLast(h);
            for (DownBlock block : downBlocks) {
                List<NDArray> outputs = block.forward(h, timeEmbSilu, context);
                outputs.forEach(skips::addLast);
                h = outputs.get(outputs.size() - 1);
            }
            if (control != null) {
                skips = withResiduals(skips, control.down(), type);
            }
            h = midBlock.forward(h, timeEmbSilu, context);
            if (control != null) {
                h = h.add(control.mid().toType(type, false));
            }
            for (UpBlock block : upBlocks) {
                h = block.forward(h, skips, timeEmbSilu, context);
            }
            NDArray out = convOut.forward(Activations.siluInPlace(normOut.forward(h)));
            return scope.keep(out.toType(callerType, false));
        }
    }

    private static Deque<NDArray> withResiduals(Deque<NDArray> skips, List<NDArray> residuals, DataType type) {
        if (residuals.size() != skips.size()) {
            throw new IllegalArgumentException("ControlNet gives " + residuals.size() + " residuals for the UNet's "
                    + skips.size() + " skip connections: it was made for another UNet");
        }
        Deque<NDArray> sum = new ArrayDeque<>();
        int i = 0;
        for (NDArray skip : skips) {
            NDArray r = residuals.get(i++);
            if (!r.getShape().equals(skip.getShape())) {
                throw new IllegalArgumentException("ControlNet residual " + r.getShape() + " does not fit the UNet's "
                        + skip.getShape() + ": it was made for another UNet");
            }
            sum.addLast(skip.add(r.toType(type, false)));
        }
        return sum;
    }

    private void validateAdded(NDArray pooled, NDArray sizeIds, long batch) {
        if (pooled == null || sizeIds == null) {
            throw new IllegalArgumentException("this UNet (SDXL) needs the pooled text embedding and size/crop ids");
        }
        if (!pooled.getShape().equals(new Shape(batch, config.pooledTextDim()))
                || !sizeIds.getShape().equals(new Shape(batch, 6))) {
            throw new IllegalArgumentException("UNet expects pooled (" + batch + ", " + config.pooledTextDim()
                    + ") and size ids (" + batch + ", 6), got " + pooled.getShape() + " and " + sizeIds.getShape());
        }
    }

    private void validate(NDArray sample, NDArray timesteps, NDArray context) {
        Shape s = sample.getShape();
        if (s.dimension() != 4 || s.get(1) != config.inChannels()) {
            throw new IllegalArgumentException("UNet expects latents (B, " + config.inChannels() + ", h, w), got " + s);
        }
        long factor = 1L << (config.blockCount() - 1);
        if (s.get(2) < factor || s.get(3) < factor) {
            throw new IllegalArgumentException("latents " + s + " are smaller than the UNet's " + factor + "x downscaling");
        }
        long t = timesteps.getShape().size();
        if (t != 1 && t != s.get(0)) {
            throw new IllegalArgumentException("need one timestep per batch item (" + s.get(0) + "), got "
                    + timesteps.getShape());
        }
        Shape c = context.getShape();
        if (c.dimension() != 3 || c.get(0) != s.get(0) || c.get(2) != config.crossAttentionDim()) {
            throw new IllegalArgumentException("UNet expects context (" + s.get(0) + ", L, "
                    + config.crossAttentionDim() + "), got " + c);
        }
    }
}
