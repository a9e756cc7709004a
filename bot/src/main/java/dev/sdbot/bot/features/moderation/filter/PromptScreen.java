package dev.sdbot.bot.features.moderation.filter;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Runs a guild's compiled rules over one text: a rule that cannot be checked or a BLOCK match refuses it;
 * STRIP matches are cut out and the rest screened again (cutting can bring spaced letters together);
 * WARN matches are collected.
 */
public final class PromptScreen {
    /** Stripping passes before giving up and refusing: each pass removes at least one character. */
    private static final int MAX_STRIP_PASSES = 8;

    private PromptScreen() {
    }

    public static Screening screen(List<CompiledRule> rules, String text) {
        Set<FilterRuleRef> stripped = new LinkedHashSet<>();
        Set<FilterRuleRef> warned = new LinkedHashSet<>();
        String current = text;
        for (int pass = 0; pass < MAX_STRIP_PASSES; pass++) {
            PromptText prompt = PromptText.of(current);
            List<Span> cuts = new ArrayList<>();
            for (CompiledRule rule : rules) {
                List<Span> found;
                try {
                    found = rule.find(prompt);
                } catch (RuleCheckFailedException e) {
                    return new Screening(current, null, rule.rule(), e.getMessage(), List.copyOf(stripped), List.copyOf(warned));
                }
                if (found.isEmpty()) {
                    continue;
                }
                switch (rule.rule().action()) {
                    case BLOCK -> {
                        return new Screening(current, rule.rule(), null, null, List.copyOf(stripped), List.copyOf(warned));
                    }
                    case STRIP -> {
                        stripped.add(rule.rule());
                        cuts.addAll(found);
                    }
                    case WARN -> warned.add(rule.rule());
                }
            }
            if (cuts.isEmpty()) {
                return new Screening(current, null, null, null, List.copyOf(stripped), List.copyOf(warned));
            }
            current = cut(current, cuts);
        }
        FilterRuleRef last = stripped.stream().reduce((a, b) -> b).orElseThrow();
        return new Screening(current, null, last, "stripping did not settle", List.copyOf(stripped), List.copyOf(warned));
    }

    /** The text without the spans, tidied: no doubled spaces or commas left where words were. */
    static String cut(String text, List<Span> spans) {
        List<Span> sorted = spans.stream().sorted(Comparator.comparingInt(Span::start)).toList();
        StringBuilder out = new StringBuilder();
        int at = 0;
        for (Span span : sorted) {
            if (span.start() > at) {
                out.append(text, at, span.start());
            }
            at = Math.max(at, span.end());
        }
        out.append(text.substring(Math.min(at, text.length())));
        return out.toString()
                .replaceAll("\\s+", " ")
                .replaceAll(" ([,.;:!?])", "$1")
                .replaceAll("([,;])(?:\\s*[,;])+", "$1")
                .replaceAll("^[\\s,;]+|[\\s,;]+$", "");
    }
}
