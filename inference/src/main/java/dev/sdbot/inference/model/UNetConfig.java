package dev.sdbot.inference.model;

import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.ConfigJson;

import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The subset of diffusers' UNet2DConditionModel config that SD 1.x/2.x and SDXL use.
 *
 * @param attentionHeads    head COUNT per down block (the up blocks use it reversed, the mid block the last one).
 *                          diffusers derives it as {@code num_attention_heads or attention_head_dim}: SD1.x's
 *                          {@code attention_head_dim: 8} is a head count despite its name
 * @param transformerLayers BasicTransformerBlocks per Transformer2D, per down block (the up blocks use it reversed,
 *                          the mid block the last one): SDXL's {@code transformer_layers_per_block: [1, 2, 10]}
 * @param additionTimeEmbedDim SDXL's {@code addition_embed_type: text_time}: sinusoidal width of each of the six
 *                          size/crop numbers; 0 when the UNet has no added conditioning
 * @param additionInputDim  {@code projection_class_embeddings_input_dim}: pooled text width + 6 x
 *                          additionTimeEmbedDim, the input of {@code add_embedding}; 0 without added conditioning
 */
public record UNetConfig(int inChannels, int outChannels, List<Integer> blockOutChannels,
                         List<String> downBlockTypes, List<String> upBlockTypes, int layersPerBlock,
                         List<Integer> attentionHeads, int crossAttentionDim, int normGroups, double normEps,
                         boolean flipSinToCos, int freqShift, boolean useLinearProjection, boolean upcastAttention,
                         List<Integer> transformerLayers, int additionTimeEmbedDim, int additionInputDim) {
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
        transformerLayers = List.copyOf(transformerLayers);
        int n = blockOutChannels.size();
        if (n == 0 || downBlockTypes.size() != n || upBlockTypes.size() != n || attentionHeads.size() != n
                || transformerLayers.size() != n) {
            throw new CheckpointException("UNet config: block_out_channels, down/up_block_types, attention heads and "
                    + "transformer layers must have the same length, got " + blockOutChannels + ", " + downBlockTypes
                    + ", " + upBlockTypes + ", " + attentionHeads + ", " + transformerLayers);
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
        if (layersPerBlock < 1 || transformerLayers.stream().anyMatch(l -> l < 1) || inChannels < 1 || outChannels < 1) {
            throw new CheckpointException("UNet config: layers and channels must be positive");
        }
        if ((additionTimeEmbedDim > 0) != (additionInputDim > 6 * additionTimeEmbedDim) || additionTimeEmbedDim < 0) {
            throw new CheckpointException("UNet config: text_time added conditioning needs addition_time_embed_dim and "
                    + "projection_class_embeddings_input_dim > 6 x addition_time_embed_dim, got "
                    + additionTimeEmbedDim + " and " + additionInputDim);
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
        List<Integer> transformerLayers = c.isArray("transformer_layers_per_block")
                ? c.getIntList("transformer_layers_per_block")
                : Collections.nCopies(blocks.size(), c.getInt("transformer_layers_per_block", 1));
        if (c.isArray("layers_per_block")) {
            throw c.invalid("layers_per_block", "a per-block list is not supported");
        }
        String timeEmbedding = c.getString("time_embedding_type", "positional");
        if (!timeEmbedding.equals("positional")) {
            throw c.invalid("time_embedding_type", timeEmbedding);
        }
        String addition = c.getString("addition_embed_type", null);
        if (addition != null && !addition.equals("text_time")) {
            throw c.invalid("addition_embed_type", addition);
        }
        String classEmbed = c.getString("class_embed_type", null);
        if (classEmbed != null) {
            throw c.invalid("class_embed_type", classEmbed);
        }
        boolean textTime = addition != null;
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
                transformerLayers,
                textTime ? c.getInt("addition_time_embed_dim", 256) : 0,
                textTime ? c.getInt("projection_class_embeddings_input_dim", 2816) : 0);
    }

    /** The full-size Stable Diffusion 1.x UNet. */
    public static UNetConfig sd15() {
        return new UNetConfig(4, 4, List.of(320, 640, 1280, 1280),
                List.of(CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, DOWN),
                List.of(UP, CROSS_ATTN_UP, CROSS_ATTN_UP, CROSS_ATTN_UP),
                2, List.of(8, 8, 8, 8), 768, 32, 1e-5, true, 0, false, false, List.of(1, 1, 1, 1), 0, 0);
    }

    /** The full-size Stable Diffusion 2.x UNet (64-dim heads, linear projections, 1024-wide OpenCLIP context). */
    public static UNetConfig sd21() {
        return new UNetConfig(4, 4, List.of(320, 640, 1280, 1280),
                List.of(CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, CROSS_ATTN_DOWN, DOWN),
                List.of(UP, CROSS_ATTN_UP, CROSS_ATTN_UP, CROSS_ATTN_UP),
                2, List.of(5, 10, 20, 20), 1024, 32, 1e-5, true, 0, true, true, List.of(1, 1, 1, 1), 0, 0);
    }

    /**
     * The full-size SDXL base UNet: no attention at the first level, 64-dim heads, 2 and 10 transformer layers at
     * the deeper levels, 2048-wide context (768 + 1280), size/crop conditioning with the 1280-wide pooled embedding.
     */
    public static UNetConfig sdxl() {
        return new UNetConfig(4, 4, List.of(320, 640, 1280),
                List.of(DOWN, CROSS_ATTN_DOWN, CROSS_ATTN_DOWN),
                List.of(CROSS_ATTN_UP, CROSS_ATTN_UP, UP),
                2, List.of(5, 10, 20), 2048, 32, 1e-5, true, 0, true, false, List.of(1, 2, 10), 256, 2816);
    }

    /** SDXL's {@code text_time} added conditioning (pooled text embedding and size/crop ids). */
    public boolean textTimeConditioning() {
        return additionTimeEmbedDim > 0;
    }

    /** Width of the pooled text embedding the added conditioning expects. */
    public int pooledTextDim() {
        return additionInputDim - 6 * additionTimeEmbedDim;
    }

    public int blockCount() {
        return blockOutChannels.size();
    }

    /** Width of the timestep embedding MLP (4x the first block). */
    public int timeEmbedDim() {
        return blockOutChannels.get(0) * 4;
    }
}
