package dev.sdbot.inference.model;

import java.util.List;

/**
 * Architecture of a Stable Diffusion UNet (diffusers' UNet2DConditionModel), per down-block lists in
 * down-block order; up blocks use them reversed.
 *
 * @param headCounts                attention head COUNT per down block. diffusers' {@code attention_head_dim}
 *                                  means this count when {@code num_attention_heads} is absent (SD 1.x: 8,
 *                                  SD 2.x: channels / 64, e.g. [5, 10, 20, 20])
 * @param transformerLayersPerBlock transformer blocks per Transformer2D, per down block
 * @param useLinearProjection       proj_in/proj_out are Linear (SD 2.x) rather than 1x1 convs
 */
public record UNetConfig(
        int inChannels,
        int outChannels,
        List<Integer> blockOutChannels,
        int layersPerBlock,
        List<Integer> headCounts,
        int crossAttentionDim,
        boolean useLinearProjection,
        boolean upcastAttention,
        List<Integer> transformerLayersPerBlock,
        int normNumGroups,
        double normEps,
        List<String> downBlockTypes,
        List<String> upBlockTypes,
        String midBlockType,
        boolean flipSinToCos,
        int freqShift) {

    public static final String CROSS_ATTN_DOWN = "CrossAttnDownBlock2D";
    public static final String DOWN = "DownBlock2D";
    public static final String CROSS_ATTN_UP = "CrossAttnUpBlock2D";
    public static final String UP = "UpBlock2D";
    public static final String MID_CROSS_ATTN = "UNetMidBlock2DCrossAttn";

    public UNetConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        headCounts = List.copyOf(headCounts);
        transformerLayersPerBlock = List.copyOf(transformerLayersPerBlock);
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
    }

    /** 9 input channels: latents + mask + masked-image latents. */
    public boolean isInpainting() {
        return inChannels == 9;
    }

    public int levels() {
        return blockOutChannels.size();
    }

    /** Head count of up block {@code i} (diffusers reverses the per-block list for the up path). */
    public int upHeadCount(int i) {
        return headCounts.get(levels() - 1 - i);
    }

    /** The mid block uses the last down block's head count. */
    public int midHeadCount() {
        return headCounts.get(levels() - 1);
    }

    public int timeEmbedDim() {
        return blockOutChannels.get(0) * 4;
    }
}
