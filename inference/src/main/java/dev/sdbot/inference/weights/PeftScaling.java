package dev.sdbot.inference.weights;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.sdbot.inference.weights.LoraTargets.Part;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The scale of peft-format LoRA modules ({@code lora_A}/{@code lora_B}, which carry no {@code .alpha} tensor): peft's
 * {@code LoraConfig} says it, {@code lora_alpha / r} (or {@code / sqrt(r)} with {@code use_rslora}), where
 * {@code rank_pattern} and {@code alpha_pattern} override r and alpha for the modules they match. The config is found
 * where peft and diffusers write it:
 * <ul>
 * <li>the safetensors header's {@code __metadata__["lora_adapter_metadata"]} (diffusers' {@code save_lora_weights}:
 * JSON whose keys carry the component, {@code unet.r}, {@code text_encoder.lora_alpha}...; its
 * {@code save_lora_adapter}: the same without component prefix);</li>
 * <li>{@code adapter_config.json} beside {@code adapter_model.safetensors} (peft's {@code save_pretrained}
 * folder).</li>
 * </ul>
 * Without a config a module scales by 1 (alpha = rank), as diffusers does.
 */
final class PeftScaling {
    static final String METADATA_KEY = "lora_adapter_metadata";
    static final String PEFT_WEIGHTS = "adapter_model.safetensors";
    static final String PEFT_CONFIG = "adapter_config.json";
    private static final String PEFT_WRAPPER = "base_model.model.";

    /** One component's LoraConfig. */
    private record Config(double r, double alpha, Map<String, Double> rankPattern, Map<String, Double> alphaPattern,
                          boolean rslora) {
        double scale(String module, long tensorRank, String source) {
            double rank = matching(rankPattern, module).orElse(r);
            double a = matching(alphaPattern, module).orElse(alpha);
            if (rank != tensorRank) {
                throw new CheckpointException("LoRA module " + module + " has rank " + tensorRank + " but " + source
                        + " says r = " + rank);
            }
            return rslora ? a / Math.sqrt(rank) : a / rank;
        }
    }

    /** Component ("unet", "text_encoder", "text_encoder_2"; "" for a config without prefixes) → its config. */
    private final Map<String, Config> configs;
    private final String source;

    private PeftScaling(Map<String, Config> configs, String source) {
        this.configs = configs;
        this.source = source;
    }

    static PeftScaling of(SafetensorsFile lora) {
        String metadata = lora.metadata().get(METADATA_KEY);
        if (metadata != null) {
            return parse(metadata, "its " + METADATA_KEY + " metadata", lora.path());
        }
        Path config = lora.path().resolveSibling(PEFT_CONFIG);
        if (lora.path().getFileName().toString().equals(PEFT_WEIGHTS) && Files.isRegularFile(config)) {
            try {
                return parse(Files.readString(config), config.toString(), lora.path());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + config, e);
            }
        }
        return new PeftScaling(Map.of(), "");
    }

    /**
     * alpha / r of a module without {@code .alpha} tensor: its component's config with the patterns matched as peft's
     * {@code get_pattern_key} does (against the module's name inside its component); 1 without a config.
     */
    double scale(String module, Part part, long tensorRank) {
        String component = switch (part) {
            case UNET -> "unet";
            case TEXT_ENCODER -> "text_encoder";
            case TEXT_ENCODER_2 -> "text_encoder_2";
        };
        Config config = configs.getOrDefault(component, configs.get(""));
        if (config == null) {
            return 1;
        }
        String name = module.startsWith(PEFT_WRAPPER) ? module.substring(PEFT_WRAPPER.length()) : module;
        name = name.startsWith(component + ".") ? name.substring(component.length() + 1) : name;
        return config.scale(name, tensorRank, source);
    }

    private static PeftScaling parse(String json, String source, Path lora) {
        try {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            Map<String, JsonObject> byComponent = new LinkedHashMap<>();
            for (Map.Entry<String, JsonElement> e : root.entrySet()) {
                int dot = e.getKey().lastIndexOf('.');
                String component = dot < 0 ? "" : e.getKey().substring(0, dot);
                byComponent.computeIfAbsent(component, c -> new JsonObject())
                        .add(e.getKey().substring(dot + 1), e.getValue());
            }
            Map<String, Config> configs = new LinkedHashMap<>();
            byComponent.forEach((component, c) -> {
                if (c.has("r")) {
                    double r = c.get("r").getAsDouble();
                    configs.put(component, new Config(r, c.has("lora_alpha") ? c.get("lora_alpha").getAsDouble() : r,
                            patterns(c, "rank_pattern"), patterns(c, "alpha_pattern"),
                            c.has("use_rslora") && c.get("use_rslora").getAsBoolean()));
                }
            });
            return new PeftScaling(configs, source);
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException | NumberFormatException e) {
            throw new CheckpointException("LoRA " + lora + ": " + source + " is not a peft LoraConfig: "
                    + e.getMessage());
        }
    }

    private static Map<String, Double> patterns(JsonObject config, String field) {
        Map<String, Double> patterns = new LinkedHashMap<>();
        if (config.has(field) && config.get(field).isJsonObject()) {
            config.getAsJsonObject(field).entrySet().forEach(e -> patterns.put(e.getKey(), e.getValue().getAsDouble()));
        }
        return patterns;
    }

    /** peft's {@code get_pattern_key}: the first pattern (a regex) that matches the whole name or a dotted suffix. */
    private static Optional<Double> matching(Map<String, Double> patterns, String module) {
        for (Map.Entry<String, Double> e : patterns.entrySet()) {
            try {
                if (Pattern.compile("(.*\\.)?(" + e.getKey() + ")$").matcher(module).lookingAt()) {
                    return Optional.of(e.getValue());
                }
            } catch (PatternSyntaxException bad) {
                throw new CheckpointException("LoRA pattern '" + e.getKey() + "' is not a regular expression");
            }
        }
        return Optional.empty();
    }
}
