package dev.sdbot.inference.model;

import java.util.List;

/** Architecture of the KL autoencoder (diffusers' AutoencoderKL). */
public record VaeConfig(
        int inChannels,
        int outChannels,
        List<Integer> blockOutChannels,
        int layersPerBlock,
        int latentChannels,
        double scalingFactor,
        int normNumGroups) {

    public VaeConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
    }
}
