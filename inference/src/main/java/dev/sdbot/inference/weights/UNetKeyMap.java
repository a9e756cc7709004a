package dev.sdbot.inference.weights;

import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Original (CompVis/A1111) UNet names to diffusers names, as diffusers' single-file conversion does:
 * {@code input_blocks} → {@code down_blocks} (resnet, attention, then one downsampler per level),
 * {@code middle_block} → {@code mid_block}, {@code output_blocks} → {@code up_blocks} (layers_per_block + 1 per
 * level, upsampler last). Transformer internals already have the same names in both.
 */
final class UNetKeyMap {
    static final String PREFIX = "model.diffusion_model.";
    private static final Pattern BLOCK = Pattern.compile("(input_blocks|output_blocks|middle_block)\\.(\\d+)\\.(?:(\\d+)\\.)?(.+)");

    private UNetKeyMap() {
    }

    /** @param keys checkpoint keys under {@link #PREFIX}, prefix removed */
    static TensorPlan plan(Set<String> keys) {
        int perLevel = layersPerBlock(keys) + 1;
        TensorPlan plan = new TensorPlan();
        for (String key : keys) {
            plan.put(map(key, perLevel), PREFIX + key);
        }
        return plan;
    }

    /** Input blocks per level minus the downsampler: the index of the first {@code op} (downsample) block, less one. */
    static int layersPerBlock(Set<String> keys) {
        Set<Integer> inputBlocks = new TreeSet<>();
        for (String key : keys) {
            Matcher m = BLOCK.matcher(key);
            if (m.matches() && m.group(1).equals("input_blocks")) {
                if (m.group(4).startsWith("op.")) {
                    return Integer.parseInt(m.group(2)) - 1;
                }
                inputBlocks.add(Integer.parseInt(m.group(2)));
            }
        }
        return inputBlocks.size() - 1; // a single level: every block after conv_in is a layer
    }

    /**
     * A kohya LoRA module named after the original UNet (SDXL LoRAs: {@code input_blocks_4_1_transformer_blocks_0_attn1_to_q})
     * as kohya would name the same module of the diffusers UNet ({@code down_blocks_1_attentions_0_transformer_blocks_0_attn1_to_q}),
     * by the mapping above: underscores next to an index become dots, so block indices and resnet parts
     * ({@code in_layers_2}, {@code emb_layers_1}) read as in a checkpoint; transformer internals pass through unchanged
     * and come back with underscores. Empty for a name that is no part of a UNet.
     */
    static Optional<String> kohyaDiffusersName(String module, int layersPerBlock) {
        String dotted = module.replaceAll("_(?=\\d)|(?<=\\d)_", ".");
        try {
            String key = map(dotted + ".weight", layersPerBlock + 1);
            return Optional.of(key.substring(0, key.length() - ".weight".length()).replace('.', '_'));
        } catch (CheckpointException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Resnets per down block of a diffusers UNet: those of its first level. */
    static int layersPerBlockOfDiffusers(Set<String> keys) {
        Pattern resnet = Pattern.compile("down_blocks\\.0\\.resnets\\.(\\d+)\\..+");
        return (int) keys.stream().map(resnet::matcher).filter(Matcher::matches).map(m -> m.group(1)).distinct().count();
    }

    private static String map(String key, int perLevel) {
        switch (key) {
            case "time_embed.0.weight", "time_embed.0.bias" -> {
                return "time_embedding.linear_1." + last(key);
            }
            case "time_embed.2.weight", "time_embed.2.bias" -> {
                return "time_embedding.linear_2." + last(key);
            }
            case "input_blocks.0.0.weight", "input_blocks.0.0.bias" -> {
                return "conv_in." + last(key);
            }
            case "out.0.weight", "out.0.bias" -> {
                return "conv_norm_out." + last(key);
            }
            case "out.2.weight", "out.2.bias" -> {
                return "conv_out." + last(key);
            }
            default -> {
                // handled below
            }
        }
        if (key.startsWith("label_emb.")) {
            return addEmbedding(key);
        }
        Matcher m = BLOCK.matcher(key);
        if (!m.matches()) {
            throw unexpected(key);
        }
        int block = Integer.parseInt(m.group(2));
        String rest = m.group(4);
        int layer = m.group(3) == null ? -1 : Integer.parseInt(m.group(3));
        return switch (m.group(1)) {
            case "input_blocks" -> down(key, block, layer, rest, perLevel);
            case "middle_block" -> switch (block) {
                case 0 -> "mid_block.resnets.0." + resnet(rest);
                case 1 -> "mid_block.attentions.0." + rest;
                case 2 -> "mid_block.resnets.1." + resnet(rest);
                default -> throw unexpected(key);
            };
            default -> up(key, block, layer, rest, perLevel);
        };
    }

    /** SDXL's added (pooled text + size/crop) conditioning MLP: {@code label_emb.0.0}/{@code .0.2} = linear_1/linear_2. */
    private static String addEmbedding(String key) {
        String rest = key.substring("label_emb.".length());
        if (rest.startsWith("0.0.")) {
            return "add_embedding.linear_1." + rest.substring(4);
        }
        if (rest.startsWith("0.2.")) {
            return "add_embedding.linear_2." + rest.substring(4);
        }
        throw new CheckpointException("unknown architecture: class-conditioned UNet ('" + PREFIX + key
                + "', as in SD 2.x unCLIP) is not supported");
    }

    private static String down(String key, int block, int layer, String rest, int perLevel) {
        int level = (block - 1) / perLevel;
        int j = (block - 1) % perLevel;
        if (j == perLevel - 1 && layer == 0 && rest.startsWith("op.")) {
            return "down_blocks." + level + ".downsamplers.0.conv." + rest.substring(3);
        }
        return switch (layer) {
            case 0 -> "down_blocks." + level + ".resnets." + j + "." + resnet(rest);
            case 1 -> "down_blocks." + level + ".attentions." + j + "." + rest;
            default -> throw unexpected(key);
        };
    }

    private static String up(String key, int block, int layer, String rest, int perLevel) {
        int level = block / perLevel;
        int j = block % perLevel;
        if (layer > 0 && rest.startsWith("conv.")) {
            return "up_blocks." + level + ".upsamplers.0." + rest;
        }
        return switch (layer) {
            case 0 -> "up_blocks." + level + ".resnets." + j + "." + resnet(rest);
            case 1 -> "up_blocks." + level + ".attentions." + j + "." + rest;
            default -> throw unexpected(key);
        };
    }

    private static String resnet(String rest) {
        String[][] renames = {
                {"in_layers.0.", "norm1."}, {"in_layers.2.", "conv1."}, {"emb_layers.1.", "time_emb_proj."},
                {"out_layers.0.", "norm2."}, {"out_layers.3.", "conv2."}, {"skip_connection.", "conv_shortcut."}};
        for (String[] r : renames) {
            if (rest.startsWith(r[0])) {
                return r[1] + rest.substring(r[0].length());
            }
        }
        return rest;
    }

    private static String last(String key) {
        return key.substring(key.lastIndexOf('.') + 1);
    }

    private static CheckpointException unexpected(String key) {
        return new CheckpointException("unknown architecture: unexpected UNet weight '" + PREFIX + key + "'");
    }
}
