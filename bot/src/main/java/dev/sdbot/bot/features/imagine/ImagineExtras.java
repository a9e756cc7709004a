package dev.sdbot.bot.features.imagine;

import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.api.HiresUpscaler;
import net.dv8tion.jda.api.interactions.commands.Command;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;

import java.util.List;
import java.util.Locale;
import java.util.Set;

/** /imagine's {@code lora} and {@code hires} options: the LoRA becomes a prompt tag, hires a {@link HiresFix}. */
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

    /** The hires fix of a {@code hires} choice, or null without one. */
    static HiresFix hires(String scale) {
        if (scale == null) {
            return null;
        }
        if (!HIRES_SCALES.contains(scale)) {
            throw new IllegalArgumentException("hires must be one of " + HIRES_SCALES + ", got " + scale);
        }
        return new HiresFix(Double.parseDouble(scale), HiresUpscaler.LATENT, 0, HIRES_STRENGTH);
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
}
