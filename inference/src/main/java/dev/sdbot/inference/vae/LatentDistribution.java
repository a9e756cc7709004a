package dev.sdbot.inference.vae;

import ai.djl.ndarray.NDArray;

/**
 * The VAE encoder's diagonal Gaussian over latents (before the scaling factor).
 *
 * @param logvar already clamped to [-30, 20] as diffusers does
 */
public record LatentDistribution(NDArray mean, NDArray logvar) {

    public NDArray std() {
        return logvar.mul(0.5f).exp();
    }

    /** {@code mean + std * noise}; noise has the mean's shape. */
    public NDArray sample(NDArray noise) {
        return std().muli(noise).addi(mean);
    }
}
