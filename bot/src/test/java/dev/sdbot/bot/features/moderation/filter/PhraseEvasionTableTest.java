package dev.sdbot.bot.features.moderation.filter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Word and phrase rules against a table of evasions that must be caught and innocent prompts that must
 * pass (words that contain a rule's letters, e.g. "Scunthorpe", "cocktail", "therapist", "class").
 */
class PhraseEvasionTableTest {
    private static final List<String> RULES = List.of("banana", "cock", "rape", "rapist", "ass", "cunt", "nude",
            "blood bath");

    /** A prompt and the rule that must fire on it, or null if none may. */
    record Case(String prompt, String rule) {
        @Override
        public String toString() {
            return (rule == null ? "passes: " : "caught by " + rule + ": ") + prompt;
        }
    }

    static Stream<Case> table() {
        return Stream.concat(evasions().stream().map(p -> new Case(p[1], p[0])),
                innocent().stream().map(p -> new Case(p, null)));
    }

    static List<String[]> evasions() {
        return List.of(
                new String[] {"banana", "a banana on a table"},
                new String[] {"banana", "BANANA"},
                new String[] {"banana", "b a n a n a"},
                new String[] {"banana", "b.a.n.a.n.a"},
                new String[] {"banana", "b-a-n-a-n-a"},
                new String[] {"banana", "b_a_n_a_n_a"},
                new String[] {"banana", "b*a*n*a*n*a on a plate"},
                new String[] {"banana", "B4N4NA"},
                new String[] {"banana", "b@n@n@ split"},
                new String[] {"banana", "baaanaaanaaa"},
                new String[] {"banana", "bananas in pyjamas"},
                new String[] {"banana", "b\u200Ban\u200Cana"},
                new String[] {"banana", "B\u2060A\uFEFFNA\u200DNA"},
                new String[] {"banana", "ｂａｎａｎａ"},
                new String[] {"banana", "bánáná"},
                new String[] {"banana", "ba\u0301nana"},
                new String[] {"banana", "b\u0430n\u0430n\u0430"},
                new String[] {"banana", "\uD835\uDC1B\uD835\uDC1A\uD835\uDC27\uD835\uDC1A\uD835\uDC27\uD835\uDC1A"},
                new String[] {"banana", "b a n a n a s"},
                new String[] {"banana", "b'a'n'a'n'a"},
                new String[] {"banana", "x b a n a n a"},
                new String[] {"banana", "b 4 n 4 n 4"},
                new String[] {"cock", "c0ck"},
                new String[] {"cock", "C O C K"},
                new String[] {"cock", "c.o.c.k"},
                new String[] {"cock", "cocks"},
                new String[] {"cock", "coooock"},
                new String[] {"rape", "r@pe"},
                new String[] {"rape", "r a p e scene"},
                new String[] {"rape", "RAPES"},
                new String[] {"rapist", "r4pist"},
                new String[] {"rapist", "rap1st"},
                new String[] {"ass", "@ss"},
                new String[] {"ass", "a$$"},
                new String[] {"ass", "a s s"},
                new String[] {"ass", "aaasss"},
                new String[] {"ass", "asses"},
                new String[] {"cunt", "c u n t"},
                new String[] {"cunt", "CUNT"},
                new String[] {"cunt", "c-u-n-t"},
                new String[] {"cunt", "cunts"},
                new String[] {"nude", "nud3 portrait"},
                new String[] {"nude", "n.u.d.e"},
                new String[] {"nude", "NÜDE"},
                new String[] {"nude", "nudes"},
                new String[] {"blood bath", "a blood bath"},
                new String[] {"blood bath", "Blood   Bath"},
                new String[] {"blood bath", "bloodbath"},
                new String[] {"blood bath", "blood-bath"},
                new String[] {"blood bath", "BL00D B4TH"},
                new String[] {"blood bath", "b l o o d b a t h"},
                new String[] {"blood bath", "blood b a t h"});
    }

    static List<String> innocent() {
        return List.of(
                "Scunthorpe town centre at dusk",
                "a cocktail on the beach",
                "a peacock in a garden",
                "a cockatoo on a branch",
                "portrait of Hancock",
                "cockpit of a jet",
                "a therapist listening",
                "the therapist's office",
                "grapes in a bowl",
                "grapefruit juice",
                "velvet drapes",
                "a scrape on the knee",
                "rapeseed fields in bloom",
                "rapids on a river",
                "an assassin in the shadows",
                "a class of students",
                "mountain pass at sunrise",
                "bass guitar on a stage",
                "green grass",
                "a cat as a king",
                "the mass of a star",
                "brass instruments",
                "a compass rose",
                "an assistant robot",
                "embassy building",
                "a sassy cat",
                "nudge the cat",
                "nuclear reactor",
                "denuded hills",
                "a bandana on a dog",
                "cabana by the sea",
                "streets of Havana",
                "a blood orange and a bath bomb",
                "bath time with a blood orange",
                "bloody bathroom",
                "a cunning fox",
                "a 455 mustang, 4 5 5",
                "1990s photograph, 4k, 8k");
    }

    private static final List<CompiledRule> COMPILED = RULES.stream()
            .<CompiledRule>map(r -> new PhraseRule(new FilterRuleRef((long) RULES.indexOf(r) + 1, RuleKind.PHRASE, r,
                    FilterAction.BLOCK)))
            .toList();

    private static String firing(String prompt) {
        Screening screening = PromptScreen.screen(COMPILED, prompt);
        return screening.blockedBy() == null ? null : screening.blockedBy().pattern();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void eachCase(Case c) {
        assertThat(firing(c.prompt())).isEqualTo(c.rule());
    }

    @Test
    void precisionAndRecallOnTheWholeTable() {
        List<Case> cases = table().toList();
        long caught = cases.stream().filter(c -> c.rule() != null).count();
        long innocent = cases.size() - caught;
        long truePositives = cases.stream().filter(c -> c.rule() != null && c.rule().equals(firing(c.prompt()))).count();
        long falsePositives = cases.stream().filter(c -> c.rule() == null && firing(c.prompt()) != null).count();
        double precision = truePositives + falsePositives == 0 ? 1 : (double) truePositives / (truePositives + falsePositives);
        double recall = (double) truePositives / caught;
        System.out.printf("prompt filter table: %d evasions, %d innocent prompts; TP=%d FP=%d FN=%d; "
                        + "precision=%.3f recall=%.3f%n", caught, innocent, truePositives, falsePositives,
                caught - truePositives, precision, recall);
        assertThat(caught).isGreaterThanOrEqualTo(30);
        assertThat(innocent).isGreaterThanOrEqualTo(30);
        assertThat(precision).isEqualTo(1.0);
        assertThat(recall).isEqualTo(1.0);
    }
}
