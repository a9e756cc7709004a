package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.api.HiresUpscaler;
import dev.sdbot.inference.api.ModelFamily;
import net.dv8tion.jda.api.interactions.commands.Command;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * /imagine's {@code lora}, {@code embedding}, {@code negative_embedding}, {@code hires} and {@code hires_upscaler}
 * options: the LoRA becomes a prompt tag, an embedding its name in the prompt or negative prompt (as a member of an
 * A1111 UI inserts it), hires a {@link HiresFix} with A1111's "Hires upscaler" (a built-in, or an ESRGAN-family
 * upscaler the workers publish).
 */
final class ImagineExtras {
    /** Hires scales offered; the fix runs A1111's default latent upscaler at strength 0.5 with the same steps. */
    static final List<String> HIRES_SCALES = List.of("1.5", "2");
    static final double HIRES_STRENGTH = 0.5;

    private ImagineExtras() {
    }

    static OptionData hiresOption() {
        OptionData hires = new OptionData(OptionType.STRING, "hires", "Hires fix: generate, enlarge and refine");
        HIRES_SCALES.forEach(s -> hires.addChoice(s + "x", s));
        return hires;
    }

    static OptionData hiresUpscalerOption() {
        return new OptionData(OptionType.STRING, "hires_upscaler", "Hires upscaler: Latent (default), Lanczos or an "
                + "ESRGAN upscaler", false, true);
    }

    /**
     * The hires fix of a {@code hires} choice with its upscaler (null: A1111's default, Latent), or null without one.
     *
     * @throws Rejection for an upscaler without {@code hires}
     */
    static HiresFix hires(String scale, String upscaler) {
        if (scale == null) {
            if (upscaler != null) {
                throw new Rejection("⚠️ `hires_upscaler` enlarges the hires fix's first pass: add `hires` too.");
            }
            return null;
        }
        if (!HIRES_SCALES.contains(scale)) {
            throw new IllegalArgumentException("hires must be one of " + HIRES_SCALES + ", got " + scale);
        }
        HiresUpscaler method;
        try {
            method = upscaler == null ? HiresUpscaler.LATENT : HiresUpscaler.fromId(upscaler);
        } catch (IllegalArgumentException e) {
            throw new Rejection("⚠️ " + e.getMessage() + ".");
        }
        return new HiresFix(Double.parseDouble(scale), method, 0, HIRES_STRENGTH);
    }

    /** Up to 25 of A1111's built-in hires upscalers and the published ESRGAN ones whose name contains what was typed. */
    static List<Command.Choice> hiresUpscalerChoices(Set<String> published, String typed) {
        String lower = typed.toLowerCase(Locale.ROOT);
        return Stream.concat(
                        Stream.of(HiresUpscaler.LATENT, HiresUpscaler.LATENT_BICUBIC,
                                HiresUpscaler.LATENT_NEAREST, HiresUpscaler.LANCZOS).map(HiresUpscaler::displayName),
                        published.stream())
                .filter(n -> n.toLowerCase(Locale.ROOT).contains(lower)).limit(25)
                .map(n -> new Command.Choice(n, n)).toList();
    }

    /** The prompt with {@code <lora:NAME:1>} appended for the {@code lora} option (checked like a typed tag). */
    static String withLora(String prompt, String lora) {
        if (lora == null || lora.isBlank()) {
            return prompt;
        }
        return prompt + " <lora:" + lora.strip() + ":1>";
    }

    /** Up to 25 published LoRA names containing what was typed. */
    static List<Command.Choice> loraChoices(Set<String> loras, String typed) {
        String lower = typed.toLowerCase(Locale.ROOT);
        return loras.stream().filter(l -> l.toLowerCase(Locale.ROOT).contains(lower)).limit(25)
                .map(l -> new Command.Choice(l, l)).toList();
    }

    /**
     * {@code text} with the embedding's name appended (after a comma when there is text), or unchanged without one.
     *
     * @throws Rejection for a name no live worker offers (a chosen embedding must not silently become plain text)
     */
    static String withEmbedding(String text, String embedding, Set<String> available) {
        if (embedding == null || embedding.isBlank()) {
            return text;
        }
        String name = embedding.strip();
        if (!available.contains(name)) {
            throw new Rejection("⚠️ Unknown embedding `" + name + "`. Available: "
                    + (available.isEmpty() ? "none right now" : String.join(", ", available)) + ".");
        }
        return text.isBlank() ? name : text.strip() + ", " + name;
    }

    /** Up to 25 published embedding names containing what was typed, without those made for another model family. */
    static List<Command.Choice> embeddingChoices(Set<String> embeddings, Map<String, ModelFamily> families,
                                                 ModelFamily modelFamily, String typed) {
        String lower = typed.toLowerCase(Locale.ROOT);
        return embeddings.stream().filter(e -> e.toLowerCase(Locale.ROOT).contains(lower))
                .filter(e -> modelFamily == null || !families.containsKey(e) || families.get(e) == modelFamily)
                .limit(25).map(e -> new Command.Choice(e, e)).toList();
    }
}
