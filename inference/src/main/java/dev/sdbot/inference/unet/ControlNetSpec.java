package dev.sdbot.inference.unet;

import java.util.List;

/**
 * The settings of a ControlNet that its weights do not show (diffusers' ControlNetModel config).
 *
 * @param heads                head count per down block (diffusers' {@code num_attention_heads or attention_head_dim})
 * @param globalPoolConditions shuffle-type nets: residuals are spatial means, and guess mode always applies
 * @param bgr                  {@code controlnet_conditioning_channel_order: bgr}: the image's channels are flipped
 * @param additionTimeEmbedDim SDXL's {@code addition_embed_type: text_time}: the width of each size/crop id's
 *                             sinusoidal embedding ({@code addition_time_embed_dim}); 0 for SD 1.x/2.x nets
 */
public record ControlNetSpec(List<Integer> heads, int crossAttentionDim, int normGroups, float normEps,
                             boolean flipSinToCos, int freqShift, boolean upcastAttention,
                             boolean globalPoolConditions, boolean bgr, int additionTimeEmbedDim) {
    public ControlNetSpec {
        heads = List.copyOf(heads);
    }

    /** Whether the net takes SDXL's added conditioning (pooled text embedding and size/crop ids). */
    public boolean textTime() {
        return additionTimeEmbedDim > 0;
    }
}
