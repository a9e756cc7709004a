package dev.sdbot.inference.model;

import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.ConfigJson;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The subset of diffusers' UNet2DConditionModel config that SD 1.x/2.x use.
 *
 * @param attentionHeads    head COUNT per down block (the up blocks use it reversed, the mid block the last one).
 *                          diffusers derives it as {@code num_attention_heads or attention_head_dim}: SD1.x's
 *                          {@code attention_head_dim: 8} is a head count despite its name
 * @param transformerLayers BasicTransformerBlocks per Transformer2D
 */
public record UNetConfig(int inChannels, int outChannels, List<Integer> blockOutChannels,
                         List<String> downBlockTypes, List<String> upBlockTypes, int layersPerBlock,
                         List<Integer> attentionHeads, int crossAttentionDim, int normGroups, double normEps,
                         boolean flipSinToCos, int freqShift, boolean useLinearProjection, boolean upcastAttention,
                         int transformerLayers) {
    public static final String CROSS_ATTN_DOWN = "CrossAttnDownBlock2D";
    public static final String DOWN = "DownBlock2D";
    public static final String CROSS_ATTN_UP = "CrossAttnUpBlock2D";
    public static final String UP = "UpBlock2D";
    private static final Set<String> DOWN_TYPES = Set.of(CROSS_ATTN_DOWN, DOWN);
    private static final Set<String> UP_TYPES = Set.of(CROSS_ATTN_UP, UP);

    public UNetConfig {
        blockOutChannels = List.copyOf(blockOutChannels);
        downBlockTypes = List.copyOf(downBlockTypes);
        upBlockTypes = List.copyOf(upBlockTypes);
        attentionHeads = List.copyOf(attentionHeads);
        int n = blockOutChannels.size();
        if (n == 0 || downBlockTypes.size() != n || upBlockTypes.size() != n || attentionHeads.size() != n) {
            throw new CheckpointException("UNet config: block_out_channels, down/up_block_types and attention heads "
                    + "must have the same length, got " + blockOutChannels + ", " + downBlockTypes + ", "
                    + upBlockTypes + ", " + attentionHeads);
        }
        for (String t : downBlockTypes) {
            if (!DOWN_TYPES.contains(t)) {
                throw new CheckpointException("UNet config: unsupported down block type " + t);
            }
        }
        for (String t : upBlockTypes) {
            if (!UP_TYPES.contains(t)) {
                throw new CheckpointException("UNet config: unsupported up block type " + t);
            }
        }
        for (int i = 0; i < n; i++) {
            int c = blockOutChannels.get(i);
            if (c % normGroups != 0 || attentionHeads.get(i) <= 0 || c % attentionHeads.get(i) != 0) {
                throw new CheckpointException("UNet config: block " + i + " width " + c + " is not divisible by "
                        + normGroups + " groups and " + attentionHeads.get(i) + " heads");
            }
        }
        if (layersPerBlock < 1 || transformerLayers < 1 || inChannels < 1 || outChannels < 1) {
            throw new CheckpointException("UNet config: layers and channels must be positive");
        }
    }

    /** Reads {@code unet/config.json} of a diffusers folder. */
    public static UNetConfig fromJson(Path configJson) {
        return fromJson(ConfigJson.read(configJson));
    }

    public static UNetConfig parse(String json) {
        return fromJson(ConfigJson.parse(json, "UNet config"));
    }

    private static UNetConfig fromJson(ConfigJson c) {
        List<Integer> blocks = c.getIntList("block_out_channels");
        String headsKey = c.has("num_attention_heads") ? "num_attention_heads" : "attention_head_dim";
        List<Integer> heads = c.isArray(headsKey) ? c.getIntList(headsKey)
                : Collections.nCopies(blocks.size(), c.getInt(headsKey, 8));
        if (c.isArray("transformer_layers_per_block")) {
            throw c.invalid("transformer_layers_per_block", "a per-block list (SDXL) is not supported");
        }
        if (c.isArray("layers_per_block")) {
            throw c.invalid("layers_per_block", "a per-block list is not supported");
        }
        String timeEmbedding = c.getString("time_embedding_type", "positional");
        if (!timeEmbedding.equals("positional")) {
            throw c.invalid("time_embedding_type", timeEmbedding);
        }
        if (c.has("addition_embed_type") || c.has("class_embed_type")) {
            throw new CheckpointException(c.source() + ": class/addition embeddings (SDXL and others) are not supported");
        }
        return new UNetConfig(
                c.getInt("in_channels", 4),
                c.getInt("out_channels", 4),
                blocks,
                c.getStringList("down_block_types"),
                c.getStringList("up_block_types"),
                c.getInt("layers_per_block", 2),
                heads,
                c.getInt("cross_attention_dim", 1280),
                c.getInt("norm_num_groups", 32),
                c.getDouble("norm_eps", 1e-5),
                c.getBoolean("flip_sin_to_cos", true),
                c.getInt("freq_shift", 0),
                c.getBoolean("use_linear_projection", false),
                c.getBoolean("upcast_attention", false),
                c.getInt("transformer_layers_per_block", 1));
    }

    /** The full-size Stable Diffusion 1.x UNet. */
    public static UNetConfig sd15() {
        return new UNetConfig(4, 4, List.of(320, 640, 1280, 1280),
                List.of(CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, DOWN),
                List.of(UP, CROSS_ATTN_UP, CROSS_ATTN_UP, CROSS_ATTN_UP),
                2, List.of(8, 8, 8, 8), 768, 32, 1e-5, true, 0, false, false, 1);
    }

    /** The full-size Stable Diffusion 2.x UNet (64-dim heads, linear projections, 1024-wide OpenCLIP context). */
    public static UNetConfig sd21() {
        return new UNetConfig(4, 4, List.of(320, 640, 1280, 1280),
                List.of(CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, DOWN),
                List.of(UP, CROSS_ATTN_UP, CROSS_ATTN_UP, CROSS_ATTN_UP),
                2, List.of(5, 10, 20, 20), 1024, 32, 1e-5, true, 0, true, true, 1);
    }

    public int blockCount() {
        return blockOutChannels.size();
    }

    /** Width of the timestep embedding MLP (4x the first block). */
    public int timeEmbedDim() {
        return blockOutChannels.get(0) * 4;
    }
}
