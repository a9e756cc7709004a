package dev.sdbot.inference.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A model's own values for the request options a member leaves out (from the {@code sdbot:} section of its
 * {@code NAME.yaml} sidecar): few-step models need their steps and CFG, an anime SD 1.5 model clip skip 2. Each
 * field is null when the model sets none. A sidecar that cannot be read gives a preset with only {@link #problem}:
 * the model is then refused before queueing, saying why.
 */
public record ModelPreset(Sampler sampler, Integer steps, Double cfg, Integer clipSkip, Integer width, Integer height,
                          String problem) {
    public static final ModelPreset NONE = new ModelPreset(null, null, null, null, null, null, null);

    public static ModelPreset invalid(String problem) {
        return new ModelPreset(null, null, null, null, null, null, problem);
    }

    public boolean isEmpty() {
        return sampler == null && steps == null && cfg == null && clipSkip == null && width == null && problem == null;
    }

    /** What a member reads: "Euler a SGM Uniform, 4 steps, CFG 1, clip skip 2, 1024x1024" (empty when none). */
    public String describe() {
        List<String> parts = new ArrayList<>();
        if (sampler != null) {
            parts.add(sampler.displayName());
        }
        if (steps != null) {
            parts.add(steps + (steps == 1 ? " step" : " steps"));
        }
        if (cfg != null) {
            parts.add("CFG " + (cfg == Math.rint(cfg) ? Long.toString(cfg.longValue()) : cfg.toString()));
        }
        if (clipSkip != null) {
            parts.add("clip skip " + clipSkip);
        }
        if (width != null && height != null) {
            parts.add(width + "x" + height);
        }
        return String.join(", ", parts);
    }

    /** One line that {@link #decode} reads back, for a worker to publish ("steps=4;cfg=1.0;…" or "problem=…"). */
    public String encode() {
        if (problem != null) {
            return "problem=" + problem;
        }
        List<String> parts = new ArrayList<>();
        if (sampler != null) {
            parts.add("sampler=" + sampler.id());
        }
        if (steps != null) {
            parts.add("steps=" + steps);
        }
        if (cfg != null) {
            parts.add("cfg=" + cfg);
        }
        if (clipSkip != null) {
            parts.add("clip_skip=" + clipSkip);
        }
        if (width != null && height != null) {
            parts.add("size=" + width + "x" + height);
        }
        return String.join(";", parts);
    }

    /**
     * {@link #encode}'s line back; a value this version does not know (a newer worker's) is left out.
     */
    public static ModelPreset decode(String line) {
        if (line.startsWith("problem=")) {
            return invalid(line.substring("problem=".length()));
        }
        Sampler sampler = null;
        Integer steps = null;
        Double cfg = null;
        Integer clipSkip = null;
        Integer width = null;
        Integer height = null;
        for (String part : line.split(";")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                continue;
            }
            String value = part.substring(eq + 1);
            try {
                switch (part.substring(0, eq).toLowerCase(Locale.ROOT)) {
                    case "sampler" -> sampler = Sampler.fromId(value);
                    case "steps" -> steps = Integer.parseInt(value);
                    case "cfg" -> cfg = Double.parseDouble(value);
                    case "clip_skip" -> clipSkip = Integer.parseInt(value);
                    case "size" -> {
                        int x = value.indexOf('x');
                        width = Integer.parseInt(value.substring(0, x));
                        height = Integer.parseInt(value.substring(x + 1));
                    }
                    default -> { }
                }
            } catch (IllegalArgumentException | StringIndexOutOfBoundsException e) {
                // a value this version cannot read: the caller's default applies
            }
        }
        return new ModelPreset(sampler, steps, cfg, clipSkip, width, height, null);
    }
}
