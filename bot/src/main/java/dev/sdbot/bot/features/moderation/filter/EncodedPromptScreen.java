package dev.sdbot.bot.features.moderation.filter;

import dev.sdbot.inference.text.ParsedPrompt;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Screens a prompt as the engine reads it, after {@link PromptScreen} screened the text as typed: the text the
 * engine will encode ({@link ParsedPrompt#encodedTexts()}: LoRA tags out, attention syntax and escapes gone,
 * equal-weight neighbours joined) and every LoRA name, each read as words. So {@code nu\de}, {@code ((nu))((de))}
 * or {@code nu<lora:x:0>de}, which the engine encodes as "nude", meet the same rules as "nude". A match here of
 * a BLOCK or STRIP rule refuses (the hidden word cannot be cut out of syntax it was hidden in); WARN matches are
 * collected. A prompt the engine's parser refuses cannot be checked, so it is refused too.
 */
public final class EncodedPromptScreen {

    private EncodedPromptScreen() {
    }

    /**
     * What /imagine, every button and {@code /mod filter test} apply: the text as typed ({@link PromptScreen}), then
     * the engine's reading of what is left of it. The result is the typed screening (its stripped text), refused when
     * either refuses, with the WARN rules of both.
     *
     * @param parser {@link ParsedPrompt#of} for a prompt, {@link ParsedPrompt#attention} for a negative prompt
     */
    public static Screening typedAndEncoded(List<CompiledRule> rules, String text, Function<String, ParsedPrompt> parser) {
        Screening typed = PromptScreen.screen(rules, text);
        if (typed.refused() || rules.isEmpty()) {
            return typed;
        }
        Screening encoded = screen(rules, typed.text(), parser);
        Set<FilterRuleRef> warned = new LinkedHashSet<>(typed.warned());
        warned.addAll(encoded.warned());
        return new Screening(typed.text(), encoded.blockedBy(), encoded.failed(), encoded.failure(), typed.stripped(),
                List.copyOf(warned));
    }

    /**
     * @param text   the text as it will be queued (after STRIP rules cut their matches)
     * @param parser {@link ParsedPrompt#of} for a prompt, {@link ParsedPrompt#attention} for a negative prompt
     */
    public static Screening screen(List<CompiledRule> rules, String text, Function<String, ParsedPrompt> parser) {
        if (rules.isEmpty()) {
            return new Screening(text, null, null, null, List.of(), List.of());
        }
        ParsedPrompt parsed;
        try {
            parsed = parser.apply(text);
        } catch (IllegalArgumentException e) {
            FilterRuleRef any = rules.get(0).rule();
            return new Screening(text, null, any, "the prompt syntax cannot be read: " + e.getMessage(), List.of(), List.of());
        }
        List<String> readings = new ArrayList<>(parsed.encodedTexts());
        readings.addAll(parsed.loraNames());
        Set<FilterRuleRef> warned = new LinkedHashSet<>();
        for (String reading : readings) {
            Screening s = PromptScreen.screen(rules, reading);
            if (s.refused()) {
                return new Screening(text, s.blockedBy(), s.failed(), s.failure(), List.of(), List.copyOf(warned));
            }
            if (!s.stripped().isEmpty()) {
                return new Screening(text, s.stripped().get(0), null, null, List.of(), List.copyOf(warned));
            }
            warned.addAll(s.warned());
        }
        return new Screening(text, null, null, null, List.of(), List.copyOf(warned));
    }
}
