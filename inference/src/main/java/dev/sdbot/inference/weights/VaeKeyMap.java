package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDArray;

import java.util.Set;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Original VAE names to diffusers names: {@code down.i.block.j} → {@code down_blocks.i.resnets.j}, decoder
 * {@code up.k} → {@code up_blocks.(levels-1-k)} (the original numbers the decoder levels from the bottom),
 * {@code mid.block_1/2} → {@code mid_block.resnets.0/1}, {@code mid.attn_1} → {@code mid_block.attentions.0}
 * with q/k/v/proj_out (1x1 conv weights in the original) as Linear {@code [out, in]} weights.
 */
final class VaeKeyMap {
    static final String PREFIX = "first_stage_model.";
    private static final Pattern LEVEL = Pattern.compile("(encoder|decoder)\\.(down|up)\\.(\\d+)\\.(block\\.(\\d+)|downsample|upsample)\\.(.+)");
    private static final Pattern MID = Pattern.compile("(encoder|decoder)\\.mid\\.(block_1|block_2|attn_1)\\.(.+)");

    private VaeKeyMap() {
    }

    /** @param keys checkpoint keys under {@link #PREFIX}, prefix removed */
    static TensorPlan plan(Set<String> keys) {
        Set<Integer> upLevels = new TreeSet<>();
        for (String key : keys) {
            Matcher m = LEVEL.matcher(key);
            if (m.matches() && m.group(2).equals("up")) {
                upLevels.add(Integer.parseInt(m.group(3)));
            }
        }
        TensorPlan plan = new TensorPlan();
        for (String key : keys) {
            String target = map(key, upLevels.size());
            UnaryOperator<NDArray> transform = target.contains(".attentions.") && target.endsWith(".weight")
                    && !target.contains("group_norm") ? VaeKeyMap::convToLinear : UnaryOperator.identity();
            plan.put(target, new TensorPlan.Source(PREFIX + key, transform));
        }
        return plan;
    }

    /** Old diffusers folders name the mid attention query/key/value/proj_attn; newer ones to_q/to_k/to_v/to_out.0. */
    static TensorPlan normalizeFolder(Set<String> keys) {
        TensorPlan plan = new TensorPlan();
        for (String key : keys) {
            String target = key;
            UnaryOperator<NDArray> transform = UnaryOperator.identity();
            int at = key.indexOf("mid_block.attentions.0.");
            if (at >= 0) {
                String head = key.substring(0, at + "mid_block.attentions.0.".length());
                target = head + attention(key.substring(head.length()), key);
                if (target.endsWith(".weight") && !target.contains("group_norm")) {
                    transform = VaeKeyMap::convToLinear;
                }
            }
            plan.put(target, new TensorPlan.Source(key, transform));
        }
        return plan;
    }

    private static String map(String key, int levels) {
        Matcher m = LEVEL.matcher(key);
        if (m.matches()) {
            String side = m.group(1);
            int level = Integer.parseInt(m.group(3));
            String blocks = m.group(2).equals("down") ? "down_blocks." + level : "up_blocks." + (levels - 1 - level);
            String rest = m.group(6);
            if (m.group(5) != null) {
                return side + "." + blocks + ".resnets." + m.group(5) + "." + rest.replace("nin_shortcut.", "conv_shortcut.");
            }
            return side + "." + blocks + (m.group(4).equals("downsample") ? ".downsamplers.0." : ".upsamplers.0.") + rest;
        }
        m = MID.matcher(key);
        if (m.matches()) {
            String side = m.group(1);
            String rest = m.group(3);
            return switch (m.group(2)) {
                case "block_1" -> side + ".mid_block.resnets.0." + rest.replace("nin_shortcut.", "conv_shortcut.");
                case "block_2" -> side + ".mid_block.resnets.1." + rest.replace("nin_shortcut.", "conv_shortcut.");
                default -> side + ".mid_block.attentions.0." + attention(rest, key);
            };
        }
        return switch (key) {
            case "encoder.norm_out.weight", "encoder.norm_out.bias", "decoder.norm_out.weight", "decoder.norm_out.bias" ->
                    key.replace("norm_out", "conv_norm_out");
            case "encoder.conv_in.weight", "encoder.conv_in.bias", "encoder.conv_out.weight", "encoder.conv_out.bias",
                 "decoder.conv_in.weight", "decoder.conv_in.bias", "decoder.conv_out.weight", "decoder.conv_out.bias",
                 "quant_conv.weight", "quant_conv.bias", "post_quant_conv.weight", "post_quant_conv.bias" -> key;
            default -> throw new CheckpointException("unknown architecture: unexpected VAE weight '" + PREFIX + key + "'");
        };
    }

    private static String attention(String rest, String key) {
        int dot = rest.lastIndexOf('.');
        String param = rest.substring(dot + 1);
        String module = switch (rest.substring(0, dot)) {
            case "norm", "group_norm" -> "group_norm";
            case "q", "query", "to_q" -> "to_q";
            case "k", "key", "to_k" -> "to_k";
            case "v", "value", "to_v" -> "to_v";
            case "proj_out", "proj_attn", "to_out.0" -> "to_out.0";
            default -> throw new CheckpointException("unknown architecture: unexpected VAE attention weight '" + key + "'");
        };
        return module + "." + param;
    }

    /** A 1x1 conv weight {@code [out, in, 1, 1]} as the equivalent Linear weight {@code [out, in]}. */
    private static NDArray convToLinear(NDArray w) {
        if (w.getShape().dimension() == 4) {
            return w.reshape(w.getShape().get(0), w.getShape().get(1));
        }
        return w;
    }
}
