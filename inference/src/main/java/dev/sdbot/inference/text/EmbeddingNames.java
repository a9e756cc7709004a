package dev.sdbot.inference.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Textual-inversion embedding names as A1111's {@code EmbeddingDatabase} finds them in a prompt: each name is tokenized
 * (no BOS/EOS) and a prompt's tokens match it where they hold exactly that token sequence; among the names that start
 * with the same token the longest sequence is tried first ({@code find_embedding_at_position}). Matching is on
 * tokens, not characters: "EasyNegative" matches "easynegative" (CLIP lower-cases) and not "EasyNegatives" when that
 * word tokenizes differently. A name that tokenizes to nothing never matches.
 */
public final class EmbeddingNames {
    /** No embeddings: nothing matches. */
    public static final EmbeddingNames NONE = new EmbeddingNames(Map.of());

    /** A name found at a position, spanning {@code length} prompt tokens, for an embedding of {@code vectors} vectors. */
    public record Match(String name, int length, int vectors) {
    }

    private record Candidate(String name, int[] ids, int vectors) {
    }

    /** First token id → the names starting with it, longest first. */
    private final Map<Integer, List<Candidate>> byFirstToken;

    private EmbeddingNames(Map<Integer, List<Candidate>> byFirstToken) {
        this.byFirstToken = byFirstToken;
    }

    /**
     * Names only, for finding which embeddings a prompt uses (each counted as one vector: the count matters only to
     * where chunks break).
     */
    public static EmbeddingNames of(ClipTokenizer tokenizer, Collection<String> names) {
        Map<String, Integer> ones = new LinkedHashMap<>();
        names.forEach(n -> ones.put(n, 1));
        return of(tokenizer, ones);
    }

    /** The names as {@code tokenizer} reads them, each with its embedding's vector count. */
    public static EmbeddingNames of(ClipTokenizer tokenizer, Map<String, Integer> vectorsByName) {
        if (vectorsByName.isEmpty()) {
            return NONE;
        }
        Map<Integer, List<Candidate>> byFirst = new HashMap<>();
        vectorsByName.forEach((name, vectors) -> {
            int[] ids = tokenizer.tokenize(name);
            if (ids.length > 0) {
                byFirst.computeIfAbsent(ids[0], k -> new ArrayList<>()).add(new Candidate(name, ids, vectors));
            }
        });
        // A1111 sorts each list by length, longest first (a stable sort: equal lengths keep their order).
        byFirst.values().forEach(list -> list.sort(Comparator.comparingInt((Candidate c) -> c.ids().length).reversed()));
        return new EmbeddingNames(byFirst);
    }

    /** The name whose tokens start at {@code position} of {@code tokens}, or null. */
    public Match at(int[] tokens, int position) {
        List<Candidate> candidates = byFirstToken.get(tokens[position]);
        if (candidates == null) {
            return null;
        }
        for (Candidate c : candidates) {
            int end = position + c.ids().length;
            if (end <= tokens.length && Arrays.equals(tokens, position, end, c.ids(), 0, c.ids().length)) {
                return new Match(c.name(), c.ids().length, c.vectors());
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return byFirstToken.isEmpty();
    }
}
