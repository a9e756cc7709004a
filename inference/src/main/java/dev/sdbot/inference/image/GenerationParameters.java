package dev.sdbot.inference.image;

import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AUTOMATIC1111's "infotext", stored in a PNG's {@code parameters} text chunk so that web UIs,
 * civitai and the bot itself can read the settings back:
 * <pre>
 * prompt
 * Negative prompt: negative
 * Steps: 20, Sampler: Euler a, CFG scale: 7, Seed: 123, Size: 512x512, Model: name
 * </pre>
 * The negative prompt line is omitted when empty; values holding {@code , : \n} are JSON-quoted;
 * {@code Denoising strength} appears for img2img and {@code Clip skip} when above 1, as in A1111.
 *
 * @param modelHash         A1111's short model hash, or null
 * {@code Hires upscale}, {@code Hires steps} (when not 0) and {@code Hires upscaler} follow for a hires fix (whose
 * {@code Denoising strength} is the second pass's), then {@code Lora hashes} ({@code "name: shorthash, ..."}) when
 * the prompt has {@code <lora:...>} tags; Size is the first pass's size, as A1111 writes it.
 *
 * @param denoisingStrength img2img strength, or null for txt2img
 * @param hiresScale        null without hires fix
 * @param loraHashes        A1111's {@code Lora hashes} value, or null
 * @param rng               A1111's {@code RNG} (the noise source; it writes "CPU" and omits its default "GPU"), or null
 * @param variationSeed     A1111's {@code Variation seed} of this image, or null
 * @param variationStrength A1111's {@code Variation seed strength}, null without variation (A1111 writes both only
 *                          when the strength is not 0, after {@code Model})
 */
public record GenerationParameters(String prompt, String negativePrompt, int steps, String sampler, double cfgScale,
                                   long seed, int width, int height, String modelHash, String model,
                                   Double denoisingStrength, int clipSkip, Double hiresScale, int hiresSteps,
                                   String hiresUpscaler, String loraHashes, String rng, Long variationSeed,
                                   Double variationStrength) {
    /**
     * The engine's noise source: libtorch's CPU generator ({@code SeededNoise}), A1111's "CPU" option, which A1111
     * must be told to reproduce an image (its default is the GPU's generator).
     */
    public static final String ENGINE_RNG = "CPU";
    /** The PNG text keyword A1111 uses. */
    public static final String PNG_KEY = "parameters";

    /** One {@code key: value} pair of the settings line, as A1111's {@code re_param}. */
    private static final Pattern PARAM = Pattern.compile("\\s*(\\w[\\w \\-/]+):\\s*(\"(?:\\\\.|[^\\\\\"])+\"|[^,]*)(?:,|$)");

    public GenerationParameters {
        prompt = prompt == null ? "" : prompt;
        negativePrompt = negativePrompt == null ? "" : negativePrompt;
    }

    /** Without variation seed. */
    public GenerationParameters(String prompt, String negativePrompt, int steps, String sampler, double cfgScale,
                                long seed, int width, int height, String modelHash, String model,
                                Double denoisingStrength, int clipSkip, Double hiresScale, int hiresSteps,
                                String hiresUpscaler, String loraHashes, String rng) {
        this(prompt, negativePrompt, steps, sampler, cfgScale, seed, width, height, modelHash, model, denoisingStrength,
                clipSkip, hiresScale, hiresSteps, hiresUpscaler, loraHashes, rng, null, null);
    }

    /** Without the RNG field. */
    public GenerationParameters(String prompt, String negativePrompt, int steps, String sampler, double cfgScale,
                                long seed, int width, int height, String modelHash, String model,
                                Double denoisingStrength, int clipSkip, Double hiresScale, int hiresSteps,
                                String hiresUpscaler, String loraHashes) {
        this(prompt, negativePrompt, steps, sampler, cfgScale, seed, width, height, modelHash, model, denoisingStrength,
                clipSkip, hiresScale, hiresSteps, hiresUpscaler, loraHashes, null);
    }

    /** Without hires fix and LoRAs. */
    public GenerationParameters(String prompt, String negativePrompt, int steps, String sampler, double cfgScale,
                                long seed, int width, int height, String modelHash, String model,
                                Double denoisingStrength, int clipSkip) {
        this(prompt, negativePrompt, steps, sampler, cfgScale, seed, width, height, modelHash, model, denoisingStrength,
                clipSkip, null, 0, null, null);
    }

    /** The parameters of image {@code index} of a request that used {@code seed} for it. */
    public static GenerationParameters of(GenerationRequest request, long seed) {
        return of(request, seed, null);
    }

    /** @param loraHashes the {@code Lora hashes} value for the prompt's LoRAs, or null */
    public static GenerationParameters of(GenerationRequest request, long seed, String loraHashes) {
        return of(request, seed, loraHashes, null);
    }

    /**
     * The parameters as the engine writes them: with the {@code Model hash} of the checkpoint file (null for a
     * diffusers folder, which has none) and {@code RNG: CPU}.
     */
    public static GenerationParameters of(GenerationRequest request, long seed, String loraHashes, String modelHash) {
        HiresFix hires = request.hires();
        Double strength = hires != null ? Double.valueOf(hires.strength())
                : request.isImg2Img() ? Double.valueOf(request.strength()) : null;
        return new GenerationParameters(request.prompt(), request.negativePrompt(), request.steps(),
                request.sampler().displayName(), request.cfgScale(), seed, request.width(), request.height(), modelHash,
                request.model(), strength, request.clipSkip(), hires == null ? null : hires.scale(),
                hires == null ? 0 : hires.steps(), hires == null ? null : hires.upscaler().displayName(), loraHashes,
                ENGINE_RNG, request.hasVariation() ? request.variationSeed() : null,
                request.hasVariation() ? Double.valueOf(request.variationStrength()) : null);
    }

    /** These parameters for the image that used {@code value} as its variation seed (unchanged without variation). */
    public GenerationParameters withVariationSeed(long value) {
        return variationStrength == null ? this : new GenerationParameters(prompt, negativePrompt, steps, sampler,
                cfgScale, seed, width, height, modelHash, model, denoisingStrength, clipSkip, hiresScale, hiresSteps,
                hiresUpscaler, loraHashes, rng, value, variationStrength);
    }

    /** The infotext, byte for byte as A1111 writes it for the same settings. */
    public String toInfotext() {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("Steps", Integer.toString(steps));
        params.put("Sampler", sampler);
        params.put("CFG scale", number(cfgScale));
        params.put("Seed", Long.toString(seed));
        params.put("Size", width + "x" + height);
        if (modelHash != null) {
            params.put("Model hash", modelHash);
        }
        if (model != null) {
            params.put("Model", model);
        }
        if (variationStrength != null) {
            if (variationSeed != null) {
                params.put("Variation seed", Long.toString(variationSeed));
            }
            params.put("Variation seed strength", number(variationStrength));
        }
        if (denoisingStrength != null) {
            params.put("Denoising strength", number(denoisingStrength));
        }
        if (clipSkip > 1) {
            params.put("Clip skip", Integer.toString(clipSkip));
        }
        if (rng != null && !rng.equals("GPU")) {
            params.put("RNG", rng);
        }
        if (hiresScale != null) {
            params.put("Hires upscale", number(hiresScale));
            if (hiresSteps != 0) {
                params.put("Hires steps", Integer.toString(hiresSteps));
            }
            params.put("Hires upscaler", hiresUpscaler);
        }
        if (loraHashes != null) {
            params.put("Lora hashes", loraHashes);
        }
        StringBuilder line = new StringBuilder();
        params.forEach((k, v) -> line.append(line.isEmpty() ? "" : ", ").append(k).append(": ").append(quote(v)));
        String negative = negativePrompt.isEmpty() ? "" : "\nNegative prompt: " + negativePrompt;
        return (prompt + negative + "\n" + line).strip();
    }

    /**
     * One more field for the end of {@link #toInfotext()}'s settings line ({@code ", key: value"}, the value quoted as
     * A1111 quotes it), or "" for a null value: fields A1111 takes from its {@code extra_generation_params} after the
     * hires and LoRA ones, e.g. {@code TI hashes}.
     */
    public static String extraField(String key, String value) {
        return value == null ? "" : ", " + key + ": " + quote(value);
    }

    /** A1111's {@code parse_generation_parameters}, for the keys this record holds. */
    public static GenerationParameters parse(String infotext) {
        String[] lines = infotext.strip().split("\n", -1);
        String last = lines[lines.length - 1];
        Map<String, String> params = new LinkedHashMap<>();
        Matcher matcher = PARAM.matcher(last);
        while (matcher.find()) {
            String value = matcher.group(2);
            params.put(matcher.group(1), value.length() > 1 && value.startsWith("\"") && value.endsWith("\"")
                    ? unquote(value) : value);
        }
        int promptLines = params.size() >= 3 ? lines.length - 1 : lines.length;
        if (params.size() < 3) {
            params.clear();
        }
        StringBuilder prompt = new StringBuilder();
        StringBuilder negative = new StringBuilder();
        boolean inNegative = false;
        for (int i = 0; i < promptLines; i++) {
            String line = lines[i].strip();
            if (line.startsWith("Negative prompt:")) {
                inNegative = true;
                line = line.substring("Negative prompt:".length()).strip();
            }
            StringBuilder target = inNegative ? negative : prompt;
            target.append(target.isEmpty() ? "" : "\n").append(line);
        }
        String size = params.getOrDefault("Size", "0x0");
        int x = size.indexOf('x');
        return new GenerationParameters(prompt.toString(), negative.toString(),
                intValue(params.get("Steps")), params.get("Sampler"), doubleValue(params.get("CFG scale"), 0),
                longValue(params.get("Seed")), intValue(x < 0 ? null : size.substring(0, x)),
                intValue(x < 0 ? null : size.substring(x + 1)), params.get("Model hash"), params.get("Model"),
                params.containsKey("Denoising strength") ? doubleValue(params.get("Denoising strength"), 0) : null,
                params.containsKey("Clip skip") ? intValue(params.get("Clip skip")) : 1,
                params.containsKey("Hires upscale") ? doubleValue(params.get("Hires upscale"), 0) : null,
                intValue(params.get("Hires steps")), params.get("Hires upscaler"), params.get("Lora hashes"),
                params.get("RNG"), params.containsKey("Variation seed") ? longValue(params.get("Variation seed")) : null,
                params.containsKey("Variation seed strength")
                        ? doubleValue(params.get("Variation seed strength"), 0) : null);
    }

    /** Python's str() of the number as A1111 stores it: integers without ".0" (gradio sends ints). */
    private static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** A1111's {@code quote}: JSON string syntax (non-ASCII kept) when the value has , : or a newline. */
    private static String quote(String v) {
        if (v.indexOf(',') < 0 && v.indexOf('\n') < 0 && v.indexOf(':') < 0) {
            return v;
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : v.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\b' -> out.append("\\b");
                case '\f' -> out.append("\\f");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static String unquote(String quoted) {
        try {
            return JsonParser.parseString(quoted).getAsString();
        } catch (JsonParseException | IllegalStateException | UnsupportedOperationException e) {
            return quoted;
        }
    }

    private static int intValue(String s) {
        return (int) longValue(s);
    }

    private static long longValue(String s) {
        try {
            return s == null ? 0 : Long.parseLong(s.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static double doubleValue(String s, double fallback) {
        try {
            return s == null ? fallback : Double.parseDouble(s.strip());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The parameters from a PNG's {@code parameters} chunk, or null when it has none. */
    public static GenerationParameters fromPng(byte[] png) {
        String text = PngText.read(png).get(PNG_KEY);
        return text == null ? null : parse(text);
    }
}
