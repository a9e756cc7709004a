package dev.sdbot.inference.unet;

import ai.djl.ndarray.NDArray;

import java.util.ArrayList;
import java.util.List;

/**
 * What a ControlNet adds to the UNet: one residual per skip connection of the down path (conv_in's output first)
 * and one for the mid block's output, already multiplied by the conditioning scale (diffusers'
 * {@code down_block_additional_residuals}, {@code mid_block_additional_residual}).
 */
public record ControlResiduals(List<NDArray> down, NDArray mid) {
    public ControlResiduals {
        down = List.copyOf(down);
    }

    /** diffusers' MultiControlNetModel: the residuals of several nets summed. */
    public ControlResiduals plus(ControlResiduals other) {
        List<NDArray> sum = new ArrayList<>();
        for (int i = 0; i < down.size(); i++) {
            sum.add(down.get(i).add(other.down.get(i)));
        }
        return new ControlResiduals(sum, mid.add(other.mid));
    }
}
