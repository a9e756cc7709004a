package dev.sdbot.bot.features.moderation.filter;

import dev.sdbot.inference.text.ParsedPrompt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Prompt-syntax evasions: words hidden in A1111's syntax (escapes, empty brackets, equal-weight emphasis, LoRA tags,
 * nested and mixed with weights and BREAK) that the engine's own parse joins back into the word, and LoRA names that
 * carry it. Each must be refused by the filter as {@code PromptFilterCheck} runs it (the text as typed, then as the
 * engine encodes it); the innocent prompts of {@link PhraseEvasionTableTest} and innocent syntax must still pass.
 * Through the fake Discord: {@code PromptSyntaxEvasionEndToEndTest}.
 */
class PromptSyntaxEvasionTableTest {
    private static final List<CompiledRule> RULES = Stream.of("nude", "banana", "blood bath")
            .<CompiledRule>map(r -> new PhraseRule(new FilterRuleRef(1L, RuleKind.PHRASE, r, FilterAction.BLOCK)))
            .toList();

    /** A text, whether it is a negative prompt, and whether the filter must refuse it. */
    record Case(String text, boolean negative, boolean evasion) {
        @Override
        public String toString() {
            return (evasion ? "refused: " : "passes: ") + (negative ? "negative " : "") + text;
        }
    }

    static List<String> promptEvasions() {
        return List.of(
                "nu\\de woman",
                "nu()de woman",
                "nu[]de woman",
                "((nu))((de))",
                "nu<lora:x:0>de",
                "NU()DE woman",
                "(nu)(de) woman",
                "[nu][de] woman",
                "(nu:1.2)(de:1.2) woman",
                "((nu)(de)) woman",
                "n\\u\\d\\e woman",
                "nu<lora:x:0>d<lora:y:0.5>e woman",
                "a castle BREAK ((nu))((de)) woman",
                "(masterpiece:1.3), a ((nu))((de)) woman BREAK [blurry]",
                "a (portrait:1.2) of a nu[]de BREAK (woman:0.8)",
                "[[nu]][[de]] figure",
                "ba()na\\na split",
                "(ba:0.5)(nana:0.5) split",
                "a blood()bath",
                "a woman <lora:nude_style:0.8>",
                "a woman <lora:NuDe:1>",
                "a woman <lora:nud3:1>",
                "<lora:banana-v2:1> on a table");
    }

    static List<String> negativeEvasions() {
        return List.of("nu\\de", "nu()de, blurry", "((nu))((de))", "lowres, [nu][de]", "(nu:1.1)(de:1.1) BREAK bad hands");
    }

    static List<String> innocentSyntax() {
        return List.of(
                "(masterpiece:1.2), a cat on a sofa",
                "a [red] apple (on a table)",
                "<lora:add_detail:0.5> a mountain lake",
                "a castle BREAK a dragon",
                "(nu)clear reactor at dusk",
                "kaomoji \\(^_^\\) on a sign",
                "a ((cocktail)) on the beach",
                "[[denuded]] hills, (grass:1.1)");
    }

    static Stream<Case> table() {
        return Stream.of(
                promptEvasions().stream().map(p -> new Case(p, false, true)),
                negativeEvasions().stream().map(p -> new Case(p, true, true)),
                PhraseEvasionTableTest.innocent().stream().map(p -> new Case(p, false, false)),
                innocentSyntax().stream().map(p -> new Case(p, false, false)),
                innocentSyntax().stream().map(p -> new Case(p, true, false))).flatMap(s -> s);
    }

    /** As {@code PromptFilterCheck}: the typed text, then the engine's reading of what is left of it. */
    private static boolean refused(Case c) {
        Function<String, ParsedPrompt> parser = c.negative() ? ParsedPrompt::attention : ParsedPrompt::of;
        return EncodedPromptScreen.typedAndEncoded(RULES, c.text(), parser).refused();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void eachCase(Case c) {
        assertThat(refused(c)).isEqualTo(c.evasion());
    }

    @Test
    void theTypedTextAloneLetsEveryPromptSyntaxEvasionThrough() {
        // what the filter screened before it read the engine's parse: these all passed and reached the model
        List<String> passedTyped = Stream.concat(promptEvasions().stream(), negativeEvasions().stream())
                .filter(p -> !PromptScreen.screen(RULES, p).refused()).toList();
        assertThat(passedTyped).hasSizeGreaterThanOrEqualTo(20);
    }

    @Test
    void theEngineEncodesEachHiddenWordAsTheWord() {
        assertThat(ParsedPrompt.of("nu\\de woman").encodedText()).isEqualTo("nude woman");
        assertThat(ParsedPrompt.of("((nu))((de))").encodedText()).isEqualTo("nude");
        assertThat(ParsedPrompt.of("nu<lora:x:0>de").encodedText()).isEqualTo("nude");
        assertThat(ParsedPrompt.of("nu<lora:x:0>de").loraNames()).containsExactly("x");
        assertThat(ParsedPrompt.attention("nu[]de").encodedText()).isEqualTo("nude");
        assertThat(ParsedPrompt.of("a BREAK b").encodedText()).isEqualTo("a b");
    }

    @Test
    void precisionAndRecallOnTheWholeTable() {
        List<Case> cases = table().toList();
        long evasions = cases.stream().filter(Case::evasion).count();
        long innocent = cases.size() - evasions;
        long truePositives = cases.stream().filter(c -> c.evasion() && refused(c)).count();
        long falsePositives = cases.stream().filter(c -> !c.evasion() && refused(c)).count();
        double precision = truePositives + falsePositives == 0 ? 1 : (double) truePositives / (truePositives + falsePositives);
        double recall = (double) truePositives / evasions;
        System.out.printf("prompt-syntax evasion table: %d evasions, %d innocent prompts; TP=%d FP=%d FN=%d; "
                        + "precision=%.3f recall=%.3f%n", evasions, innocent, truePositives, falsePositives,
                evasions - truePositives, precision, recall);
        long typedOnly = cases.stream().filter(c -> c.evasion() && PromptScreen.screen(RULES, c.text()).refused()).count();
        System.out.printf("  the typed text alone (the filter before it read the engine's parse): recall=%.3f (%d of %d)%n",
                (double) typedOnly / evasions, typedOnly, evasions);
        assertThat(evasions).isGreaterThanOrEqualTo(20);
        assertThat(innocent).isGreaterThanOrEqualTo(38);
        assertThat(precision).isEqualTo(1.0);
        assertThat(recall).isEqualTo(1.0);
    }
}
