package dev.sdbot.inference.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.sdbot.inference.weights.CheckpointException;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Turns diffusers/transformers {@code config.json} objects into the config records, with the same defaults and
 * the same reading of ambiguous fields as diffusers (a single-file checkpoint's inferred configs go through here
 * too, so both sources agree).
 */
public final class DiffusersConfigs {
    private DiffusersConfigs() {
    }

    /** UNet2DConditionModel config. Head counts: {@code num_attention_heads}, else {@code attention_head_dim}, as diffusers. */
    public static UNetConfig unet(JsonObject c) {
        rejectUnsupported(c, "addition_embed_type", "SDXL-style added conditioning");
        rejectUnsupported(c, "class_embed_type", "class-conditioned UNet");
        rejectUnsupported(c, "encoder_hid_dim", "projected encoder hidden states");
        List<Integer> channels = intList(c, "block_out_channels");
        int levels = channels.size();
        List<String> down = stringList(c, "down_block_types");
        List<String> up = stringList(c, "up_block_types");
        if (down.size() != levels || up.size() != levels) {
            throw new CheckpointException("inconsistent UNet config: " + levels + " levels but "
                    + down.size() + " down and " + up.size() + " up block types");
        }
        String headsField = present(c, "num_attention_heads") ? "num_attention_heads" : "attention_head_dim";
        if (!present(c, headsField)) {
            throw new CheckpointException("UNet attention head counts are unknown (no num_attention_heads or "
                    + "attention_head_dim); give them in a sidecar config, e.g. {\"unet\": {\"attention_head_dim\": 8}}");
        }
        return new UNetConfig(
                intOr(c, "in_channels", 4),
                intOr(c, "out_channels", 4),
                channels,
                intOr(c, "layers_per_block", 2),
                perBlock(c, headsField, levels),
                requiredInt(c, "cross_attention_dim"),
                boolOr(c, "use_linear_projection", false),
                boolOr(c, "upcast_attention", false),
                present(c, "transformer_layers_per_block") ? perBlock(c, "transformer_layers_per_block", levels)
                        : Collections.nCopies(levels, 1),
                intOr(c, "norm_num_groups", 32),
                doubleOr(c, "norm_eps", 1e-5),
                down,
                up,
                present(c, "mid_block_type") ? c.get("mid_block_type").getAsString() : UNetConfig.MID_CROSS_ATTN,
                boolOr(c, "flip_sin_to_cos", true),
                intOr(c, "freq_shift", 0));
    }

    /** AutoencoderKL config. */
    public static VaeConfig vae(JsonObject c) {
        return new VaeConfig(
                intOr(c, "in_channels", 3),
                intOr(c, "out_channels", 3),
                intList(c, "block_out_channels"),
                intOr(c, "layers_per_block", 1),
                intOr(c, "latent_channels", 4),
                doubleOr(c, "scaling_factor", 0.18215),
                intOr(c, "norm_num_groups", 32));
    }

    /** CLIPTextConfig plus the tokenizer's pad/bos/eos ids. */
    public static TextEncoderConfig textEncoder(JsonObject c, int padId, int bosId, int eosId) {
        String act = c.has("hidden_act") ? c.get("hidden_act").getAsString() : "quick_gelu";
        if (!act.equals("quick_gelu") && !act.equals("gelu")) {
            throw new CheckpointException("unsupported text encoder activation '" + act + "'");
        }
        return new TextEncoderConfig(
                intOr(c, "hidden_size", 512),
                intOr(c, "num_hidden_layers", 12),
                intOr(c, "num_attention_heads", 8),
                intOr(c, "intermediate_size", 2048),
                act,
                intOr(c, "max_position_embeddings", 77),
                doubleOr(c, "layer_norm_eps", 1e-5),
                intOr(c, "vocab_size", 49408),
                padId, bosId, eosId);
    }

    /** scheduler_config.json; fields the config leaves out take Stable Diffusion's values. */
    public static SchedulerConfig scheduler(JsonObject c) {
        SchedulerConfig sd = SchedulerConfig.stableDiffusion(SchedulerConfig.EPSILON);
        return new SchedulerConfig(
                intOr(c, "num_train_timesteps", sd.numTrainTimesteps()),
                c.has("beta_schedule") ? c.get("beta_schedule").getAsString() : sd.betaSchedule(),
                doubleOr(c, "beta_start", sd.betaStart()),
                doubleOr(c, "beta_end", sd.betaEnd()),
                c.has("prediction_type") ? c.get("prediction_type").getAsString() : sd.predictionType(),
                intOr(c, "steps_offset", sd.stepsOffset()),
                present(c, "timestep_spacing") ? c.get("timestep_spacing").getAsString() : null,
                boolOr(c, "set_alpha_to_one", sd.setAlphaToOne()),
                boolOr(c, "clip_sample", sd.clipSample()),
                boolOr(c, "skip_prk_steps", sd.skipPrkSteps()));
    }

    /** A field that is one int for every block or a per-block list. */
    private static List<Integer> perBlock(JsonObject c, String field, int levels) {
        JsonElement e = c.get(field);
        if (e.isJsonArray()) {
            List<Integer> values = intList(c, field);
            if (values.size() != levels) {
                throw new CheckpointException("UNet config '" + field + "' has " + values.size()
                        + " entries for " + levels + " blocks");
            }
            return values;
        }
        return Collections.nCopies(levels, e.getAsInt());
    }

    private static void rejectUnsupported(JsonObject c, String field, String what) {
        if (present(c, field)) {
            throw new CheckpointException("unknown architecture: " + what + " ('" + field + "') is not supported");
        }
    }

    private static boolean present(JsonObject c, String field) {
        return c.has(field) && !c.get(field).isJsonNull();
    }

    private static int requiredInt(JsonObject c, String field) {
        if (!present(c, field) || !c.get(field).isJsonPrimitive()) {
            throw new CheckpointException("UNet config lacks a single '" + field + "'");
        }
        return c.get(field).getAsInt();
    }

    private static int intOr(JsonObject c, String field, int fallback) {
        return present(c, field) ? c.get(field).getAsInt() : fallback;
    }

    private static double doubleOr(JsonObject c, String field, double fallback) {
        return present(c, field) ? c.get(field).getAsDouble() : fallback;
    }

    private static boolean boolOr(JsonObject c, String field, boolean fallback) {
        return present(c, field) ? c.get(field).getAsBoolean() : fallback;
    }

    private static List<Integer> intList(JsonObject c, String field) {
        if (!present(c, field) || !c.get(field).isJsonArray()) {
            throw new CheckpointException("config lacks the list '" + field + "'");
        }
        List<Integer> values = new ArrayList<>();
        for (JsonElement e : c.getAsJsonArray(field)) {
            values.add(e.getAsInt());
        }
        return values;
    }

    private static List<String> stringList(JsonObject c, String field) {
        if (!present(c, field) || !c.get(field).isJsonArray()) {
            throw new CheckpointException("config lacks the list '" + field + "'");
        }
        List<String> values = new ArrayList<>();
        for (JsonElement e : (JsonArray) c.get(field)) {
            values.add(e.getAsString());
        }
        return values;
    }
}
