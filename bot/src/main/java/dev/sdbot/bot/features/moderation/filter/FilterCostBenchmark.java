package dev.sdbot.bot.features.moderation.filter;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * The filter's cost per submit on hostile input: a guild's rule set made of worst-case rules (a phrase of many
 * one-letter words, which the old matcher searched exponentially; a polynomially backtracking regex) against the
 * longest prompt and negative prompt Discord lets through, made of the letters those rules almost match.
 * Screens both texts the way a submit does and reports the time and the verdict.
 */
public final class FilterCostBenchmark {
    /** The longest prompt and negative prompt /imagine accepts (its option limits). */
    static final int PROMPT_CHARS = 1500;
    static final int NEGATIVE_CHARS = 1000;

    private FilterCostBenchmark() {
    }

    /** One scenario's outcome: wall time of one submit's screening (prompt and negative) and what it decided. */
    public record Result(String scenario, int rules, double millis, String verdict) {
        public String line() {
            return String.format(Locale.ROOT, "%-8s rules=%-4d %10.1f ms per submit  %s", scenario, rules, millis, verdict);
        }
    }

    /**
     * @param scenario    "phrase" (rules of {@code words} one-letter words) or "regex" ({@code a.*a.*a.*b}-like)
     * @param rules       how many such rules the guild has
     * @param words       one-letter words per phrase rule
     */
    public static Result run(String scenario, int rules, int words, Consumer<String> progress) {
        List<CompiledRule> compiled = new ArrayList<>();
        for (int i = 0; i < rules; i++) {
            compiled.add(GuildFilters.compile(hostileRule(scenario, i, words)));
        }
        String prompt = "a ".repeat(PROMPT_CHARS / 2).strip();
        String negative = "a ".repeat(NEGATIVE_CHARS / 2).strip();
        progress.accept(scenario + ": " + rules + " rule(s), e.g. `" + compiled.get(0).rule().pattern() + "`");
        long start = System.nanoTime();
        List<CompiledRule> submit = GuildFilters.forOneSubmit(compiled); // as PromptFilterCheck gets them
        Screening first = PromptScreen.screen(submit, prompt);
        Screening second = first.refused() ? null : PromptScreen.screen(submit, negative);
        double millis = (System.nanoTime() - start) / 1e6;
        return new Result(scenario, rules, millis, verdict(first, second));
    }

    private static FilterRuleRef hostileRule(String scenario, int index, int words) {
        long id = index + 1;
        return switch (scenario) {
            // "a a a … a b<i>": every prefix matches a run of the prompt's single letters, the last word never does
            case "phrase" -> new FilterRuleRef(id, RuleKind.PHRASE, "a ".repeat(words) + "b" + suffix(index),
                    FilterAction.BLOCK);
            // cubic backtracking on a text of a's that never ends in the final letter
            case "regex" -> new FilterRuleRef(id, RuleKind.REGEX, "a.*a.*a.*b" + suffix(index), FilterAction.BLOCK);
            default -> throw new IllegalArgumentException("unknown scenario `" + scenario + "`: phrase or regex");
        };
    }

    /** Letters only, so each rule differs from the others (a guild cannot store duplicates). */
    private static String suffix(int index) {
        StringBuilder s = new StringBuilder();
        for (int i = index; i > 0; i /= 26) {
            s.append((char) ('a' + i % 26));
        }
        return s.toString();
    }

    private static String verdict(Screening prompt, Screening negative) {
        Screening refused = prompt.refused() ? prompt : negative != null && negative.refused() ? negative : null;
        if (refused == null) {
            return "passed";
        }
        return refused.blockedBy() != null ? "blocked by " + refused.blockedBy().describe()
                : "refused (fails closed): " + refused.failure();
    }
}
