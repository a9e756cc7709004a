package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.nn.Weights;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A ControlNet's weights under diffusers names: a diffusers folder ({@code diffusion_pytorch_model.safetensors}) as
 * stored, or a single file of the original ControlNet repository / A1111 extension ({@code control_model.*}, or the
 * same names without the prefix), mapped as diffusers' {@code convert_controlnet_checkpoint} does: the encoder as
 * the UNet's ({@link UNetKeyMap}), {@code zero_convs.N.0} → {@code controlnet_down_blocks.N},
 * {@code middle_block_out.0} → {@code controlnet_mid_block}, {@code input_hint_block.{0, 2, .., 2k}} →
 * {@code controlnet_cond_embedding.conv_in, blocks.0 .. blocks.k-2, conv_out}.
 */
public final class ControlNetWeights {
    public static final String FOLDER_WEIGHTS = "diffusion_pytorch_model.safetensors";
    private static final String PREFIX = "control_model.";
    private static final Pattern ZERO = Pattern.compile("zero_convs\\.(\\d+)\\.0\\.(weight|bias)");
    private static final Pattern HINT = Pattern.compile("input_hint_block\\.(\\d+)\\.(weight|bias)");

    private ControlNetWeights() {
    }

    /** The weights of a folder or a single file, in {@code dtype}, owned by {@code manager}. */
    public static Weights load(Path path, NDManager manager, DataType dtype) {
        if (Files.isDirectory(path)) {
            Path file = path.resolve(FOLDER_WEIGHTS);
            if (!Files.isRegularFile(file)) {
                throw new CheckpointException("ControlNet folder " + path + " has no " + FOLDER_WEIGHTS);
            }
            return SafetensorsWeights.loadAll(file, manager, dtype);
        }
        try (SafetensorsFile file = SafetensorsFile.open(path)) {
            if (file.contains("controlnet_mid_block.weight")) {
                return SafetensorsWeights.loadAll(path, manager, dtype);
            }
            return plan(file).load(file, manager, path.toString()).castTo(dtype);
        }
    }

    static TensorPlan plan(SafetensorsFile file) {
        boolean prefixed = file.keys().stream().anyMatch(k -> k.startsWith(PREFIX));
        String prefix = prefixed ? PREFIX : "";
        if (!file.contains(prefix + "middle_block_out.0.weight") || !file.contains(prefix + "input_hint_block.0.weight")) {
            throw new CheckpointException("not a ControlNet: " + file.path()
                    + " has neither controlnet_mid_block (diffusers) nor middle_block_out / input_hint_block (original)");
        }
        int lastHint = 0;
        Set<String> encoder = new TreeSet<>();
        TensorPlan plan = new TensorPlan();
        for (String key : file.keys()) {
            if (!key.startsWith(prefix) || !SafetensorsWeights.isFloat(file.info(key).dtype())) {
                continue;
            }
            String name = key.substring(prefix.length());
            Matcher hint = HINT.matcher(name);
            Matcher zero = ZERO.matcher(name);
            if (hint.matches()) {
                lastHint = Math.max(lastHint, Integer.parseInt(hint.group(1)));
            } else if (zero.matches()) {
                plan.put("controlnet_down_blocks." + zero.group(1) + "." + zero.group(2), key);
            } else if (name.startsWith("middle_block_out.0.")) {
                plan.put("controlnet_mid_block." + name.substring("middle_block_out.0.".length()), key);
            } else {
                encoder.add(name);
            }
        }
        for (String key : file.keys()) {
            Matcher hint = HINT.matcher(key.startsWith(prefix) ? key.substring(prefix.length()) : "");
            if (hint.matches()) {
                int i = Integer.parseInt(hint.group(1));
                String target = i == 0 ? "conv_in" : i == lastHint ? "conv_out" : "blocks." + (i / 2 - 1);
                plan.put("controlnet_cond_embedding." + target + "." + hint.group(2), key);
            }
        }
        TensorPlan unet = UNetKeyMap.plan(encoder);
        for (String target : unet.targets()) {
            String original = unet.source(target).key().substring(UNetKeyMap.PREFIX.length());
            plan.put(target, prefix + original);
        }
        return plan;
    }
}
