package dev.sdbot.inference.controlnet;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A diffusers ControlNet name as the original ControlNet repository / A1111 extension stores it
 * ({@code control_model.} + LDM UNet names): the inverse of {@code ControlNetWeights}' mapping, as
 * {@code a1111_state} in {@code make_controlnet_refs.py} writes SD 1.x files, plus SDXL's {@code label_emb}.
 */
final class OriginalControlNetNames {
    private static final Pattern ZERO = Pattern.compile("controlnet_down_blocks\\.(\\d+)\\.(.+)");
    private static final Pattern HINT = Pattern.compile("controlnet_cond_embedding\\.blocks\\.(\\d+)\\.(.+)");
    private static final Pattern DOWN = Pattern.compile("down_blocks\\.(\\d+)\\.(resnets|attentions|downsamplers)\\.(\\d+)\\.(.+)");
    private static final Pattern MID = Pattern.compile("mid_block\\.(resnets|attentions)\\.(\\d+)\\.(.+)");
    private static final Map<String, String> FIXED = Map.of("time_embedding.linear_1.", "time_embed.0.",
            "time_embedding.linear_2.", "time_embed.2.", "conv_in.", "input_blocks.0.0.",
            "add_embedding.linear_1.", "label_emb.0.0.", "add_embedding.linear_2.", "label_emb.0.2.",
            "controlnet_mid_block.", "middle_block_out.0.", "controlnet_cond_embedding.conv_in.", "input_hint_block.0.");
    private static final String[][] RESNET = {{"norm1.", "in_layers.0."}, {"conv1.", "in_layers.2."},
            {"time_emb_proj.", "emb_layers.1."}, {"norm2.", "out_layers.0."}, {"conv2.", "out_layers.3."},
            {"conv_shortcut.", "skip_connection."}};

    private OriginalControlNetNames() {
    }

    /** @param hintBlocks the number of {@code controlnet_cond_embedding.blocks} */
    static String of(String key, int layersPerBlock, int hintBlocks) {
        return "control_model." + original(key, layersPerBlock + 1, hintBlocks);
    }

    private static String original(String key, int perLevel, int hintBlocks) {
        for (Map.Entry<String, String> fixed : FIXED.entrySet()) {
            if (key.startsWith(fixed.getKey())) {
                return fixed.getValue() + key.substring(fixed.getKey().length());
            }
        }
        if (key.startsWith("controlnet_cond_embedding.conv_out.")) {
            return "input_hint_block." + 2 * (hintBlocks + 1) + "." + key.substring(key.lastIndexOf('.') + 1);
        }
        Matcher m;
        if ((m = ZERO.matcher(key)).matches()) {
            return "zero_convs." + m.group(1) + ".0." + m.group(2);
        }
        if ((m = HINT.matcher(key)).matches()) {
            return "input_hint_block." + 2 * (Integer.parseInt(m.group(1)) + 1) + "." + m.group(2);
        }
        if ((m = DOWN.matcher(key)).matches()) {
            int level = Integer.parseInt(m.group(1));
            int block = level * perLevel + 1 + Integer.parseInt(m.group(3));
            return switch (m.group(2)) {
                case "downsamplers" -> "input_blocks." + (level * perLevel + perLevel) + ".0.op."
                        + m.group(4).substring("conv.".length());
                case "resnets" -> "input_blocks." + block + ".0." + resnet(m.group(4));
                default -> "input_blocks." + block + ".1." + m.group(4);
            };
        }
        if ((m = MID.matcher(key)).matches()) {
            return m.group(1).equals("attentions") ? "middle_block.1." + m.group(3)
                    : "middle_block." + (m.group(2).equals("0") ? 0 : 2) + "." + resnet(m.group(3));
        }
        throw new IllegalArgumentException("no original name for " + key);
    }

    private static String resnet(String rest) {
        for (String[] r : RESNET) {
            if (rest.startsWith(r[0])) {
                return r[1] + rest.substring(r[0].length());
            }
        }
        return rest;
    }
}
