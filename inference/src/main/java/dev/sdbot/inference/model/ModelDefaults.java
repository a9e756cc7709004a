package dev.sdbot.inference.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.ModelPreset;
import dev.sdbot.inference.api.Sampler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;

/**
 * A model's own generation defaults (few-step models need theirs: SDXL-Lightning 4 steps at CFG 1, an anime SD 1.5
 * model clip skip 2), from the {@code sdbot:} section of {@code NAME.yaml} beside the checkpoint or diffusers folder:
 * <pre>
 * sdbot:
 *   sampler: Euler a SGM Uniform   # an id or A1111 name; the name carries the schedule type
 *   steps: 4
 *   cfg: 1
 *   clip_skip: 2
 *   width: 512
 *   height: 512
 *   vae: taesd                     # decode with the tiny VAE (full: the model's own)
 *   pad_conds: true                # A1111's "Pad conds": prompt and negative prompt padded to one length
 * </pre>
 * The same file may be the A1111 LDM config of the checkpoint: its other sections are not read here. Every key is
 * optional (null: the caller's default); an unknown key or an out-of-range value is refused, naming the file.
 */
public record ModelDefaults(Sampler sampler, Integer steps, Double cfg, Integer clipSkip, Integer width, Integer height,
                            Boolean tinyVae, boolean padConds) {
    public static final ModelDefaults NONE = new ModelDefaults(null, null, null, null, null, null, null, false);

    /** Without A1111's "Pad conds" (its default). */
    public ModelDefaults(Sampler sampler, Integer steps, Double cfg, Integer clipSkip, Integer width, Integer height,
                         Boolean tinyVae) {
        this(sampler, steps, cfg, clipSkip, width, height, tinyVae, false);
    }
    static final String SECTION = "sdbot";
    private static final List<String> KEYS = List.of("sampler", "steps", "cfg", "clip_skip", "width", "height", "vae",
            "pad_conds");
    private static final int MIN_SIDE = 64;

    /** The file that holds {@code model}'s defaults: {@code NAME.yaml} beside it. */
    public static Path sidecar(Path model) {
        String name = model.getFileName().toString();
        int dot = Files.isDirectory(model) ? -1 : name.lastIndexOf('.');
        return model.resolveSibling((dot > 0 ? name.substring(0, dot) : name) + ".yaml");
    }

    /** {@code model}'s defaults, {@link #NONE} without a sidecar or without its {@code sdbot:} section. */
    public static ModelDefaults read(Path model) {
        Path file = sidecar(model);
        if (!Files.isRegularFile(file)) {
            return NONE;
        }
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException("model defaults " + file + " are not valid YAML: " + e.getMessage(), e);
        }
        JsonNode section = root == null ? null : root.get(SECTION);
        if (section == null || section.isNull()) {
            return NONE;
        }
        try {
            return parse(section);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("model defaults " + file + ": " + e.getMessage(), e);
        }
    }

    static ModelDefaults parse(JsonNode s) {
        if (!s.isObject()) {
            throw new IllegalArgumentException(SECTION + ": must be a mapping of " + KEYS);
        }
        for (Iterator<String> names = s.fieldNames(); names.hasNext(); ) {
            String key = names.next();
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown key '" + key + "' (known: " + KEYS + ")");
            }
        }
        Sampler sampler = s.has("sampler") ? Sampler.fromId(s.get("sampler").asText()) : null;
        int maxSteps = sampler == null ? GenerationRequest.MAX_STEPS : sampler.maxSteps();
        Integer steps = integer(s, "steps", sampler == null ? 1 : sampler.minSteps(), maxSteps);
        Double cfg = null;
        if (s.has("cfg")) {
            JsonNode n = s.get("cfg");
            if (!n.isNumber() || !(n.asDouble() >= GenerationRequest.MIN_CFG && n.asDouble() <= GenerationRequest.MAX_CFG)) {
                throw new IllegalArgumentException("cfg must be a number between 1 and 30, got " + n);
            }
            cfg = n.asDouble();
        }
        Integer clipSkip = integer(s, "clip_skip", 1, 12);
        Integer width = side(s, "width");
        Integer height = side(s, "height");
        Boolean tiny = null;
        if (s.has("vae")) {
            tiny = switch (s.get("vae").asText()) {
                case "taesd", "tiny" -> true;
                case "full" -> false;
                default -> throw new IllegalArgumentException("vae must be taesd (the tiny VAE) or full, got "
                        + s.get("vae"));
            };
        }
        boolean padConds = false;
        if (s.has("pad_conds")) {
            if (!s.get("pad_conds").isBoolean()) {
                throw new IllegalArgumentException("pad_conds must be true or false, got " + s.get("pad_conds"));
            }
            padConds = s.get("pad_conds").asBoolean();
        }
        return new ModelDefaults(sampler, steps, cfg, clipSkip, width, height, tiny, padConds);
    }

    private static Integer integer(JsonNode s, String key, int min, int max) {
        if (!s.has(key)) {
            return null;
        }
        JsonNode n = s.get(key);
        if (!n.isIntegralNumber() || n.asInt() < min || n.asInt() > max) {
            throw new IllegalArgumentException(key + " must be a whole number between " + min + " and " + max
                    + ", got " + n);
        }
        return n.asInt();
    }

    private static Integer side(JsonNode s, String key) {
        Integer v = integer(s, key, MIN_SIDE, GenerationRequest.MAX_SIDE);
        if (v != null && v % 8 != 0) {
            throw new IllegalArgumentException(key + " must be a multiple of 8, got " + v);
        }
        return v;
    }

    /** The values a front end applies to the options a member leaves out. */
    public ModelPreset preset() {
        return new ModelPreset(sampler, steps, cfg, clipSkip, width, height, null);
    }

    /** Whether the model decodes its images with the tiny VAE. */
    public boolean decodesWithTinyVae() {
        return Boolean.TRUE.equals(tinyVae);
    }
}
