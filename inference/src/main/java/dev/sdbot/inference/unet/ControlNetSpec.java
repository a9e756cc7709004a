package dev.sdbot.inference.unet;

import java.util.List;

/**
 * The settings of a ControlNet that its weights do not show (diffusers' ControlNetModel config).
 *
 * @param heads                head count per down block (diffusers' {@code num_attention_heads or attention_head_dim})
 * @param globalPoolConditions shuffle-type nets: residuals are spatial means, and guess mode always applies
 * @param bgr                  {@code controlnet_conditioning_channel_order: bgr}: the image's channels are flipped
 */
public record ControlNetSpec(List<Integer> heads, int crossAttentionDim, int normGroups, float normEps,
                             boolean flipSinToCos, int freqShift, boolean upcastAttention,
                             boolean globalPoolConditions, boolean bgr) {
    public ControlNetSpec {
        heads = List.copyOf(heads);
    }
}
