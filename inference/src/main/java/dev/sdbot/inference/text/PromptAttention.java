package dev.sdbot.inference.text;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * AUTOMATIC1111's prompt attention syntax, parsed exactly as its {@code parse_prompt_attention}:
 * {@code (text)} multiplies the weight by 1.1, {@code [text]} divides it by 1.1, {@code (text:1.3)} sets a
 * factor, {@code \(} and friends are literal, {@code BREAK} (a whole word) starts a new chunk. Unbalanced
 * brackets are accepted as A1111 accepts them (an unclosed bracket applies to the end of the prompt); runs of
 * equal weight are merged. Weights multiply in the same order as A1111's, so they are equal to the last bit.
 */
public final class PromptAttention {
    /** A piece of the prompt and its weight; {@link #isBreak()} marks a BREAK. */
    public record Span(String text, double weight) {
        public static final Span BREAK = new Span("BREAK", -1);

        public boolean isBreak() {
            return weight == -1 && "BREAK".equals(text);
        }
    }

    private static final double ROUND = 1.1;
    private static final double SQUARE = 1 / 1.1;
    private static final Pattern ATTENTION = Pattern.compile(
            "\\\\\\(|\\\\\\)|\\\\\\[|\\\\]|\\\\\\\\|\\\\|\\(|\\[|:\\s*([+-]?[.\\d]+)\\s*\\)|\\)|]|[^\\\\()\\[\\]:]+|:",
            Pattern.UNICODE_CHARACTER_CLASS);
    private static final Pattern BREAK = Pattern.compile("\\s*\\bBREAK\\b\\s*",
            Pattern.UNICODE_CHARACTER_CLASS | Pattern.DOTALL);

    private PromptAttention() {
    }

    /**
     * @throws IllegalArgumentException for a weight that is not a number, e.g. {@code (x:1.2.3)}, which A1111
     *                                  fails on with a Python error
     */
    public static List<Span> parse(String prompt) {
        List<Span> spans = new ArrayList<>();
        List<Integer> round = new ArrayList<>();
        List<Integer> square = new ArrayList<>();
        Matcher m = ATTENTION.matcher(prompt);
        while (m.find()) {
            String text = m.group();
            String weight = m.group(1);
            if (text.startsWith("\\")) {
                spans.add(new Span(text.substring(1), 1.0));
            } else if (text.equals("(")) {
                round.add(spans.size());
            } else if (text.equals("[")) {
                square.add(spans.size());
            } else if (weight != null && !round.isEmpty()) {
                multiply(spans, round.remove(round.size() - 1), parseWeight(weight));
            } else if (text.equals(")") && !round.isEmpty()) {
                multiply(spans, round.remove(round.size() - 1), ROUND);
            } else if (text.equals("]") && !square.isEmpty()) {
                multiply(spans, square.remove(square.size() - 1), SQUARE);
            } else {
                String[] parts = BREAK.split(text, -1);
                for (int i = 0; i < parts.length; i++) {
                    if (i > 0) {
                        spans.add(Span.BREAK);
                    }
                    spans.add(new Span(parts[i], 1.0));
                }
            }
        }
        for (int position : round) {
            multiply(spans, position, ROUND);
        }
        for (int position : square) {
            multiply(spans, position, SQUARE);
        }
        if (spans.isEmpty()) {
            spans.add(new Span("", 1.0));
        }
        return merge(spans);
    }

    private static double parseWeight(String weight) {
        try {
            return Double.parseDouble(weight);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + weight + "' is not a number: write an attention weight like (word:1.2)");
        }
    }

    private static void multiply(List<Span> spans, int from, double factor) {
        for (int p = from; p < spans.size(); p++) {
            Span s = spans.get(p);
            spans.set(p, new Span(s.text(), s.weight() * factor));
        }
    }

    /** Joins neighbours of equal weight, as A1111 does (a BREAK's -1 joins nothing but another BREAK's). */
    private static List<Span> merge(List<Span> spans) {
        List<Span> merged = new ArrayList<>(spans);
        int i = 0;
        while (i + 1 < merged.size()) {
            if (merged.get(i).weight() == merged.get(i + 1).weight()) {
                merged.set(i, new Span(merged.get(i).text() + merged.get(i + 1).text(), merged.get(i).weight()));
                merged.remove(i + 1);
            } else {
                i++;
            }
        }
        return merged;
    }
}
