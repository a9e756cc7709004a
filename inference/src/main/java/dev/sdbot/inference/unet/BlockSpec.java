package dev.sdbot.inference.unet;

/**
 * How one UNet block is built, derived from {@link dev.sdbot.inference.model.UNetConfig}.
 *
 * @param layers   resnets in the block (layers_per_block, +1 in up blocks)
 * @param resample whether a Downsample2D/Upsample2D follows
 */
record BlockSpec(int layers, boolean crossAttention, int heads, boolean resample, int groups, float eps,
                 boolean upcast) {
}
