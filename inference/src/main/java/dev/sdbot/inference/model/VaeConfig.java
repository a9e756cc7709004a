package dev.sdbot.inference.model;

import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.ConfigJson;

import java.nio.file.Path;
import java.util.List;

/** diffusers' AutoencoderKL config (DownEncoderBlock2D / UpDecoderBlock2D throughout). */
public record VaeConfig(int inChannels, int outChannels, int latentChannels, List<Integer> blockOutChannels,
                        int layersPerBlock, int normGroups, double scalingFactor) {

    public VaeConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        if (blockOutChannels.isEmpty() || layersPerBlock < 1 || latentChannels < 1) {
            throw new CheckpointException("VAE config: needs blocks, layers and latent channels, got "
                    + blockOutChannels + ", " + layersPerBlock + ", " + latentChannels);
        }
        for (int c : blockOutChannels) {
            if (c % normGroups != 0) {
                throw new CheckpointException("VAE config: width " + c + " not divisible by " + normGroups + " groups");
            }
        }
    }

    public static VaeConfig fromJson(Path configJson) {
        return fromJson(ConfigJson.read(configJson));
    }

    public static VaeConfig parse(String json) {
        return fromJson(ConfigJson.parse(json, "VAE config"));
    }

    private static VaeConfig fromJson(ConfigJson c) {
        for (String key : List.of("down_block_types", "up_block_types")) {
            if (c.has(key)) {
                for (String t : c.getStringList(key)) {
                    if (!t.equals("DownEncoderBlock2D") && !t.equals("UpDecoderBlock2D")) {
                        throw c.invalid(key, t);
                    }
                }
            }
        }
        return new VaeConfig(
                c.getInt("in_channels", 3),
                c.getInt("out_channels", 3),
                c.getInt("latent_channels", 4),
                c.getIntList("block_out_channels"),
                c.getInt("layers_per_block", 2),
                c.getInt("norm_num_groups", 32),
                c.getDouble("scaling_factor", 0.18215));
    }

    /** The Stable Diffusion 1.x/2.x VAE (8x downscaling, 4 latent channels). */
    public static VaeConfig sd15() {
        return new VaeConfig(3, 3, 4, List.of(128, 256, 512, 512), 2, 32, 0.18215);
    }

    /** Pixels per latent along each axis. */
    public int downscaleFactor() {
        return 1 << (blockOutChannels.size() - 1);
    }
}
