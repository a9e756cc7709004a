package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.clip.InputVectors;
import dev.sdbot.inference.embedding.Embedding;
import dev.sdbot.inference.embedding.EmbeddingLibrary;
import dev.sdbot.inference.text.ClipTokenizer;
import dev.sdbot.inference.text.EmbeddingNames;
import dev.sdbot.inference.text.ParsedPrompt;
import dev.sdbot.inference.text.PromptChunks;
import dev.sdbot.inference.weights.CheckpointException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/** The textual-inversion embeddings a request's prompts use, loaded: what the text conditioners put in for their names. */
record PromptEmbeddings(Map<String, Embedding> byName) {
    static final PromptEmbeddings NONE = new PromptEmbeddings(Map.of());

    PromptEmbeddings {
        byName = Map.copyOf(byName);
    }

    /**
     * The embeddings of {@code library} that {@code texts} (every text the engine may encode for a request) use,
     * loaded and checked against the model's text encoders.
     *
     * @throws InvalidRequestException for an embedding made for another text encoder (another width) or unreadable
     */
    static PromptEmbeddings resolve(EmbeddingLibrary library, TextConditioner text, String model,
                                    Collection<String> texts) throws InvalidRequestException {
        Set<String> available = library.files().keySet();
        if (available.isEmpty()) {
            return NONE;
        }
        EmbeddingNames names = EmbeddingNames.of(text.tokenizer(), available);
        Set<String> used = new LinkedHashSet<>();
        for (String t : texts) {
            used.addAll(ParsedPrompt.attention(t).embeddings(text.tokenizer(), names));
        }
        Map<String, Embedding> loaded = new LinkedHashMap<>();
        for (String name : used) {
            Embedding embedding;
            try {
                embedding = library.load(name);
            } catch (CheckpointException e) {
                throw new InvalidRequestException(e.getMessage());
            }
            if (!text.fits(embedding)) {
                throw new InvalidRequestException("embedding '" + name + "' has vectors of width " + embedding.widths()
                        + "; model '" + model + "' takes " + text.embeddingWidths() + " (an embedding made for another"
                        + " model family)");
            }
            loaded.put(name, embedding);
        }
        return new PromptEmbeddings(loaded);
    }

    /**
     * A1111's {@code TI hashes} value ({@code "name: shorthash, ..."}), or null when no embedding is used. A1111 writes
     * it from each text-encoder call of the first pass: the negative prompt's, then the prompt's (each over all of its
     * schedule's texts, chunk by chunk), once per encoder (SDXL: twice); each call puts the embeddings it used, once
     * each, before what earlier calls wrote.
     */
    String tiHashes(ClipTokenizer tokenizer, List<String> negativeTexts, List<String> promptTexts, int encoders) {
        if (byName.isEmpty()) {
            return null;
        }
        String hashes = null;
        for (List<String> texts : List.of(negativeTexts, promptTexts)) {
            List<List<PromptChunks.Chunk>> chunked = texts.stream()
                    .map(t -> PromptChunks.of(tokenizer, t, names(tokenizer))).toList();
            Set<String> used = new LinkedHashSet<>();
            int count = chunked.stream().mapToInt(List::size).max().orElse(0);
            for (int c = 0; c < count; c++) {
                for (List<PromptChunks.Chunk> chunks : chunked) {
                    if (c < chunks.size()) {
                        chunks.get(c).fixes().forEach(fix -> used.add(fix.name()));
                    }
                }
            }
            if (used.isEmpty()) {
                continue;
            }
            String call = used.stream().map(n -> n.replace(":", "").replace(",", "") + ": " + byName.get(n).shortHash())
                    .collect(Collectors.joining(", "));
            for (int e = 0; e < encoders; e++) {
                hashes = hashes == null ? call : call + ", " + hashes;
            }
        }
        return hashes;
    }

    /** The names to find in a prompt, with their vector counts. */
    EmbeddingNames names(ClipTokenizer tokenizer) {
        if (byName.isEmpty()) {
            return EmbeddingNames.NONE;
        }
        Map<String, Integer> vectors = new LinkedHashMap<>();
        byName.forEach((name, e) -> vectors.put(name, e.vectors()));
        return EmbeddingNames.of(tokenizer, vectors);
    }

    /** The chunks of {@code text} (embedding names found), padded to {@code count} with empty-prompt chunks. */
    List<PromptChunks.Chunk> chunks(ClipTokenizer tokenizer, String text, int count) {
        return PromptChunks.padTo(tokenizer, PromptChunks.of(tokenizer, text, names(tokenizer)), count);
    }

    /** The vectors of {@code encoder} ({@link Embedding#SINGLE}, CLIP_L, CLIP_G) for the chunks encoded as one batch. */
    InputVectors vectors(List<PromptChunks.Chunk> chunks, String encoder) {
        List<Integer> positions = new ArrayList<>();
        List<float[]> rows = new ArrayList<>();
        for (int c = 0; c < chunks.size(); c++) {
            int offset = c * chunks.get(c).ids().length;
            for (PromptChunks.Fix fix : chunks.get(c).fixes()) {
                float[][] vectors = byName.get(fix.name()).rows().get(encoder);
                for (int v = 0; v < fix.vectors(); v++) {
                    positions.add(offset + fix.position() + v);
                    rows.add(vectors[v]);
                }
            }
        }
        return positions.isEmpty() ? InputVectors.NONE
                : new InputVectors(positions.stream().mapToInt(Integer::intValue).toArray(), rows.toArray(float[][]::new));
    }
}
