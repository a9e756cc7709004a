package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;

import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Text encoder names to transformers' CLIPTextModel names ({@code text_model.*}).
 * SD 1.x stores the HF model under {@code cond_stage_model.transformer.}; its {@code position_ids} buffer is
 * skipped (merged checkpoints often hold it corrupted as floats; positions are always 0..n-1).
 * SD 2.x stores OpenCLIP under {@code cond_stage_model.model.}: fused q/k/v {@code in_proj} is split, and the
 * last resblock is dropped because SD 2.x conditions on the penultimate layer.
 * SDXL stores the HF CLIP-L under {@code conditioner.embedders.0.transformer.} and OpenCLIP bigG under
 * {@code conditioner.embedders.1.model.} with every layer kept (its pooled output reads the last one) and
 * {@code text_projection} [width, proj], applied as {@code x @ W}, becoming transformers' {@code text_projection.weight}
 * [proj, width].
 */
final class TextEncoderKeyMap {
    static final String SD1_PREFIX = "cond_stage_model.transformer.";
    static final String SD2_PREFIX = "cond_stage_model.model.";
    static final String SDXL_CLIP_L_PREFIX = "conditioner.embedders.0.transformer.";
    static final String SDXL_BIG_G_PREFIX = "conditioner.embedders.1.model.";
    private static final Pattern RESBLOCK = Pattern.compile("transformer\\.resblocks\\.(\\d+)\\.(.+)");

    private TextEncoderKeyMap() {
    }

    /** @param keys checkpoint keys under {@link #SD1_PREFIX}, prefix removed */
    static TensorPlan planSd1(Set<String> keys) {
        return planHf(keys, SD1_PREFIX);
    }

    /** An HF-named CLIPTextModel stored under {@code prefix}; {@code keys} have the prefix removed. */
    static TensorPlan planHf(Set<String> keys, String prefix) {
        TensorPlan plan = new TensorPlan();
        for (String key : keys) {
            if (key.endsWith("position_ids")) {
                continue;
            }
            // Checkpoints saved with transformers < 4.x lack the text_model level.
            plan.put(key.startsWith("text_model.") ? key : "text_model." + key, prefix + key);
        }
        return plan;
    }

    /** Drops {@code position_ids} from a diffusers folder's text encoder. */
    static TensorPlan planFolder(Set<String> keys) {
        TensorPlan plan = new TensorPlan();
        keys.stream().filter(k -> !k.endsWith("position_ids")).forEach(k -> plan.put(k, k));
        return plan;
    }

    /** @param keys checkpoint keys under {@link #SD2_PREFIX}, prefix removed */
    static TensorPlan planOpenClip(Set<String> keys) {
        return planOpenClip(keys, SD2_PREFIX, false);
    }

    /**
     * @param keys       OpenCLIP keys with {@code prefix} removed
     * @param projection keep every layer and the text projection (SDXL) rather than drop the last layer (SD 2.x)
     */
    static TensorPlan planOpenClip(Set<String> keys, String prefix, boolean projection) {
        int layers = projection ? Integer.MAX_VALUE : openClipLayers(keys);
        TensorPlan plan = new TensorPlan();
        for (String key : keys) {
            String source = prefix + key;
            switch (key) {
                case "token_embedding.weight" -> plan.put("text_model.embeddings.token_embedding.weight", source);
                case "positional_embedding" -> plan.put("text_model.embeddings.position_embedding.weight", source);
                case "ln_final.weight" -> plan.put("text_model.final_layer_norm.weight", source);
                case "ln_final.bias" -> plan.put("text_model.final_layer_norm.bias", source);
                case "text_projection" -> {
                    if (projection) {
                        plan.put("text_projection.weight", new TensorPlan.Source(source, NDArray::transpose));
                    }
                }
                case "logit_scale", "attn_mask" -> {
                    // only used for CLIP's image-text similarity, not for conditioning
                }
                default -> resblock(plan, key, source, layers);
            }
        }
        return plan;
    }

    static int openClipLayers(Set<String> keys) {
        Set<Integer> layers = new TreeSet<>();
        for (String key : keys) {
            Matcher m = RESBLOCK.matcher(key);
            if (m.matches()) {
                layers.add(Integer.parseInt(m.group(1)));
            }
        }
        return layers.size();
    }

    private static void resblock(TensorPlan plan, String key, String source, int layers) {
        Matcher m = RESBLOCK.matcher(key);
        if (!m.matches()) {
            throw new CheckpointException("unknown architecture: unexpected OpenCLIP weight '" + source + "'");
        }
        int layer = Integer.parseInt(m.group(1));
        if (layer == layers - 1) {
            return; // SD 2.x uses the penultimate layer's output
        }
        String p = "text_model.encoder.layers." + layer + ".";
        String rest = m.group(2);
        switch (rest) {
            case "attn.in_proj_weight", "attn.in_proj_bias" -> {
                String param = rest.endsWith("weight") ? "weight" : "bias";
                String[] names = {"q_proj", "k_proj", "v_proj"};
                for (int i = 0; i < 3; i++) {
                    int part = i;
                    plan.put(p + "self_attn." + names[i] + "." + param,
                            new TensorPlan.Source(source, w -> third(w, part)));
                }
            }
            default -> {
                String target = switch (rest.substring(0, rest.lastIndexOf('.'))) {
                    case "ln_1" -> "layer_norm1";
                    case "ln_2" -> "layer_norm2";
                    case "attn.out_proj" -> "self_attn.out_proj";
                    case "mlp.c_fc" -> "mlp.fc1";
                    case "mlp.c_proj" -> "mlp.fc2";
                    default -> throw new CheckpointException(
                            "unknown architecture: unexpected OpenCLIP weight '" + source + "'");
                };
                plan.put(p + target + rest.substring(rest.lastIndexOf('.')), source);
            }
        }
    }

    /** Rows {@code [part*d, (part+1)*d)} of the fused {@code [3d, ...]} projection. */
    private static NDArray third(NDArray fused, int part) {
        long d = fused.getShape().get(0) / 3;
        return fused.get(new NDIndex("{}:{}", part * d, (part + 1) * d));
    }
}
