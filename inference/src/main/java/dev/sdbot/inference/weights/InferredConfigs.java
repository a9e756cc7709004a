package dev.sdbot.inference.weights;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.sdbot.inference.clip.TextEncoderConfig;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.model.SchedulerConfig;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.model.VaeConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Writes the diffusers configs that a single-file checkpoint's weights imply, overlays the optional sidecar
 * {@code <name>.json} next to the file, and parses the result like a diffusers folder's configs.
 * <p>
 * What weights cannot tell follows the usual conventions: SD 1.x has 8 attention heads per block and
 * predicts epsilon; SD 2.x has 64-wide heads, predicts v and upcasts attention (as diffusers assumes for a
 * 2.x file without a config); text encoder heads are 64 wide; SDXL has 64-wide heads, predicts epsilon with
 * Euler's "leading" spacing (its base scheduler config) and scales latents by 0.13025. Sidecars next to the file fix the rest: the
 * A1111-style original LDM {@code <name>.yaml} (see {@link LdmYamlSidecar}) and, winning over it, a
 * {@code <name>.json} with diffusers config names per component, e.g. {@code {"unet": {"attention_head_dim":
 * [2, 4, 4, 4]}, "text_encoder": {"num_attention_heads": 4}, "scheduler": {"prediction_type": "epsilon"}}}.
 */
final class InferredConfigs {
    private static final int CONVENTIONAL_HEAD_DIM = 64;
    private static final int SD1_HEADS = 8;
    private static final Set<String> SIDECAR_SECTIONS = Set.of("unet", "vae", "text_encoder", "text_encoder_2",
            "scheduler");
    private static final double SDXL_VAE_SCALING = 0.13025;

    private InferredConfigs() {
    }

    /** @param text2 SDXL's second text encoder, null for SD 1.x/2.x */
    static ModelDescription describe(SafetensorsFile file, ModelFamily family, TensorPlan unet, TensorPlan vae,
                                     TensorPlan text, TensorPlan text2) {
        JsonObject sidecar = LdmYamlSidecar.read(file.path(), blockChannels(file, unet));
        // The JSON sidecar, more specific, wins over the LDM yaml.
        for (Map.Entry<String, JsonElement> section : jsonSidecar(file.path()).entrySet()) {
            if (!sidecar.has(section.getKey())) {
                sidecar.add(section.getKey(), new JsonObject());
            }
            overlay(sidecar.getAsJsonObject(section.getKey()), section.getValue().getAsJsonObject());
        }
        JsonObject scheduler = overlay(schedulerConfig(family), sidecar, "scheduler");
        boolean v = scheduler.get("prediction_type").getAsString().equals(SchedulerConfig.V_PREDICTION);
        JsonObject unetConfig = unetConfig(file, unet, family, v);
        if (text2 != null) {
            addTextTime(unetConfig, new Shapes(file, unet), new Shapes(file, text2));
        }
        overlay(unetConfig, sidecar, "unet");
        JsonObject vaeConfig = overlay(vaeConfig(file, vae, family), sidecar, "vae");
        JsonObject textConfig = overlay(textConfig(file, text, family == ModelFamily.SD2), sidecar, "text_encoder");
        requireHeads(unetConfig, "unet", "attention_head_dim", "[8, 8, 8, 8]");
        requireHeads(textConfig, "text_encoder", "num_attention_heads", "8");
        TextEncoderConfig second = null;
        if (text2 != null) {
            JsonObject text2Config = overlay(textConfig(file, text2, true), sidecar, "text_encoder_2");
            requireHeads(text2Config, "text_encoder_2", "num_attention_heads", "20");
            second = TextEncoderConfig.parse(text2Config.toString());
        }
        return new ModelDescription(family,
                UNetConfig.parse(unetConfig.toString()),
                VaeConfig.parse(vaeConfig.toString()),
                TextEncoderConfig.parse(textConfig.toString()),
                second,
                SchedulerConfig.fromJson(ConfigJson.of(scheduler, "scheduler config")),
                family == ModelFamily.SDXL);
    }

    /**
     * SDXL's {@code text_time} conditioning: {@code add_embedding.linear_1} takes the pooled projection (the
     * second encoder's {@code text_projection} width) plus six sinusoidal embeddings of equal width.
     */
    private static void addTextTime(JsonObject c, Shapes unet, Shapes text2) {
        int input = unet.dim("add_embedding.linear_1.weight", 1);
        int pooled = text2.dim("text_projection.weight", 1); // stored [width, proj], used as x @ W
        if ((input - pooled) <= 0 || (input - pooled) % 6 != 0) {
            throw new CheckpointException("unknown architecture: add_embedding takes " + input
                    + " inputs, which is not the pooled width " + pooled + " plus six equal time embeddings");
        }
        c.addProperty("addition_embed_type", "text_time");
        c.addProperty("addition_time_embed_dim", (input - pooled) / 6);
        c.addProperty("projection_class_embeddings_input_dim", input);
    }

    private static JsonObject schedulerConfig(ModelFamily family) {
        SchedulerConfig sd = SchedulerConfig.stableDiffusion(
                family == ModelFamily.SD2 ? SchedulerConfig.V_PREDICTION : SchedulerConfig.EPSILON);
        JsonObject c = new JsonObject();
        if (family == ModelFamily.SDXL) {
            c.addProperty("timestep_spacing", "leading"); // SDXL base's EulerDiscreteScheduler config
        }
        c.addProperty("num_train_timesteps", sd.numTrainTimesteps());
        c.addProperty("beta_schedule", sd.betaSchedule());
        c.addProperty("beta_start", sd.betaStart());
        c.addProperty("beta_end", sd.betaEnd());
        c.addProperty("prediction_type", sd.predictionType());
        c.addProperty("steps_offset", sd.stepsOffset());
        c.addProperty("set_alpha_to_one", sd.setAlphaToOne());
        c.addProperty("clip_sample", sd.clipSample());
        c.addProperty("skip_prk_steps", sd.skipPrkSteps());
        return c;
    }

    private static List<Integer> blockChannels(SafetensorsFile file, TensorPlan plan) {
        Shapes s = new Shapes(file, plan);
        List<Integer> channels = new ArrayList<>();
        for (int i : s.indices("down_blocks")) {
            channels.add(s.dim("down_blocks." + i + ".resnets.0.conv1.weight", 0));
        }
        return channels;
    }

    private static JsonObject unetConfig(SafetensorsFile file, TensorPlan plan, ModelFamily family, boolean v) {
        Shapes s = new Shapes(file, plan);
        int levels = s.indices("down_blocks").size();
        JsonArray channels = new JsonArray();
        JsonArray down = new JsonArray();
        JsonArray up = new JsonArray();
        List<Integer> depth = new ArrayList<>();
        for (int i = 0; i < levels; i++) {
            channels.add(s.dim("down_blocks." + i + ".resnets.0.conv1.weight", 0));
            boolean downAttention = !s.indices("down_blocks." + i + ".attentions").isEmpty();
            down.add(downAttention ? UNetConfig.CROSS_ATTN_DOWN : UNetConfig.DOWN);
            up.add(s.indices("up_blocks." + i + ".attentions").isEmpty() ? UNetConfig.UP : UNetConfig.CROSS_ATTN_UP);
            depth.add(downAttention ? s.indices("down_blocks." + i + ".attentions.0.transformer_blocks").size() : 1);
        }
        JsonObject c = new JsonObject();
        c.addProperty("in_channels", s.dim("conv_in.weight", 1));
        c.addProperty("out_channels", s.dim("conv_out.weight", 0));
        c.add("block_out_channels", channels);
        c.addProperty("layers_per_block", s.indices("down_blocks.0.resnets").size());
        c.add("down_block_types", down);
        c.add("up_block_types", up);
        String toK = s.first("attn2.to_k.weight");
        if (toK != null) {
            c.addProperty("cross_attention_dim", s.dim(toK, 1));
        }
        String projIn = s.first("proj_in.weight");
        c.addProperty("use_linear_projection", projIn != null && s.rank(projIn) == 2);
        c.addProperty("upcast_attention", family == ModelFamily.SD2 && v);
        if (depth.stream().distinct().count() == 1) {
            c.addProperty("transformer_layers_per_block", depth.get(0));
        } else {
            JsonArray perBlock = new JsonArray();
            depth.forEach(perBlock::add);
            c.add("transformer_layers_per_block", perBlock);
        }
        if (family == ModelFamily.SD1) {
            c.addProperty("attention_head_dim", SD1_HEADS);
        } else if (allDivisible(channels, CONVENTIONAL_HEAD_DIM)) {
            JsonArray heads = new JsonArray();
            channels.forEach(ch -> heads.add(ch.getAsInt() / CONVENTIONAL_HEAD_DIM));
            c.add("attention_head_dim", heads);
        }
        c.addProperty("norm_num_groups", 32);
        c.addProperty("norm_eps", 1e-5);
        c.addProperty("flip_sin_to_cos", true);
        c.addProperty("freq_shift", 0);
        return c;
    }

    private static JsonObject vaeConfig(SafetensorsFile file, TensorPlan plan, ModelFamily family) {
        Shapes s = new Shapes(file, plan);
        JsonArray channels = new JsonArray();
        for (int i : s.indices("encoder.down_blocks")) {
            channels.add(s.dim("encoder.down_blocks." + i + ".resnets.0.conv1.weight", 0));
        }
        JsonObject c = new JsonObject();
        c.addProperty("in_channels", s.dim("encoder.conv_in.weight", 1));
        c.addProperty("out_channels", s.dim("decoder.conv_out.weight", 0));
        c.add("block_out_channels", channels);
        c.addProperty("layers_per_block", s.indices("encoder.down_blocks.0.resnets").size());
        c.addProperty("latent_channels", s.dim("decoder.conv_in.weight", 1));
        c.addProperty("scaling_factor", family == ModelFamily.SDXL ? SDXL_VAE_SCALING : 0.18215);
        c.addProperty("norm_num_groups", 32);
        return c;
    }

    /** @param openClip OpenCLIP weights (SD 2.x, SDXL's second encoder): exact GELU rather than quick_gelu */
    private static JsonObject textConfig(SafetensorsFile file, TensorPlan plan, boolean openClip) {
        Shapes s = new Shapes(file, plan);
        int hidden = s.dim("text_model.embeddings.token_embedding.weight", 1);
        JsonObject c = new JsonObject();
        c.addProperty("hidden_size", hidden);
        c.addProperty("vocab_size", s.dim("text_model.embeddings.token_embedding.weight", 0));
        c.addProperty("max_position_embeddings", s.dim("text_model.embeddings.position_embedding.weight", 0));
        c.addProperty("num_hidden_layers", s.indices("text_model.encoder.layers").size());
        c.addProperty("intermediate_size", s.dim("text_model.encoder.layers.0.mlp.fc1.weight", 0));
        c.addProperty("hidden_act", openClip ? "gelu" : "quick_gelu");
        c.addProperty("layer_norm_eps", 1e-5);
        if (hidden % CONVENTIONAL_HEAD_DIM == 0) {
            c.addProperty("num_attention_heads", hidden / CONVENTIONAL_HEAD_DIM);
        }
        return c;
    }

    private static boolean allDivisible(JsonArray values, int divisor) {
        for (JsonElement e : values) {
            if (e.getAsInt() % divisor != 0) {
                return false;
            }
        }
        return true;
    }

    /** {@code <name><extension>} next to the checkpoint {@code <name>.safetensors}. */
    static Path sibling(Path checkpoint, String extension) {
        String name = checkpoint.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return checkpoint.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + extension);
    }

    /** The optional {@code <name>.json} next to the checkpoint. */
    private static JsonObject jsonSidecar(Path checkpoint) {
        Path file = sibling(checkpoint, ".json");
        if (!Files.isRegularFile(file)) {
            return new JsonObject();
        }
        try {
            JsonObject json = JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
            for (Map.Entry<String, JsonElement> e : json.entrySet()) {
                if (!SIDECAR_SECTIONS.contains(e.getKey()) || !e.getValue().isJsonObject()) {
                    throw new CheckpointException("sidecar config " + file + ": '" + e.getKey()
                            + "' is not one of the objects " + new TreeSet<>(SIDECAR_SECTIONS));
                }
            }
            return json;
        } catch (IOException e) {
            throw new CheckpointException("cannot read sidecar config " + file + ": " + e.getMessage(), e);
        } catch (JsonParseException | IllegalStateException e) {
            throw new CheckpointException("corrupt sidecar config " + file + ": " + e.getMessage(), e);
        }
    }

    private static JsonObject overlay(JsonObject inferred, JsonObject sidecar, String section) {
        return sidecar.has(section) ? overlay(inferred, sidecar.getAsJsonObject(section)) : inferred;
    }

    private static JsonObject overlay(JsonObject target, JsonObject values) {
        values.entrySet().forEach(e -> target.add(e.getKey(), e.getValue()));
        return target;
    }

    /** Head counts are not in the weights: fail with the fix rather than guess when the convention does not fit. */
    private static void requireHeads(JsonObject config, String section, String field, String example) {
        boolean known = config.has(field) && !config.get(field).isJsonNull()
                || config.has("num_attention_heads") && !config.get("num_attention_heads").isJsonNull();
        if (!known) {
            throw new CheckpointException(section + " attention head counts are unknown (widths that are not "
                    + "multiples of 64); give them in a sidecar config next to the checkpoint, e.g. {\"" + section
                    + "\": {\"" + field + "\": " + example + "}}");
        }
    }

    /** Shapes of the stored tensors behind a plan's (diffusers-named) targets. */
    private record Shapes(SafetensorsFile file, TensorPlan plan) {
        private static final Pattern NUMBER = Pattern.compile("(\\d+)\\..*");

        /** A dimension of the stored tensor, before the plan's transform (e.g. OpenCLIP's text_projection). */
        int dim(String target, int axis) {
            TensorPlan.Source source = plan.source(target);
            if (source == null) {
                throw new CheckpointException("unknown architecture: " + file.path() + " lacks the weight for '"
                        + target + "'");
            }
            return (int) file.info(source.key()).shape()[axis];
        }

        int rank(String target) {
            return file.info(plan.source(target).key()).shape().length;
        }

        String first(String suffix) {
            return plan.targets().stream().filter(t -> t.endsWith(suffix)).sorted().findFirst().orElse(null);
        }

        Set<Integer> indices(String prefix) {
            Set<Integer> result = new TreeSet<>();
            for (String target : plan.targets()) {
                if (target.startsWith(prefix + ".")) {
                    Matcher m = NUMBER.matcher(target.substring(prefix.length() + 1));
                    if (m.matches()) {
                        result.add(Integer.parseInt(m.group(1)));
                    }
                }
            }
            return result;
        }
    }
}
