package dev.sdbot.inference.text;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A prompt of any length as AUTOMATIC1111 feeds it to CLIP: parsed for attention ({@link ParsedPrompt}),
 * tokenized span by span (each token keeps its span's weight), cut into chunks of 75 tokens, each wrapped in
 * BOS/EOS and padded to 77; {@code BREAK} starts a new chunk. When a chunk fills up and a comma lies within
 * {@link #COMMA_BACKTRACK} tokens of its end, the text after that comma moves to the next chunk (A1111's
 * {@code comma_padding_backtrack}, default 20). Each chunk is encoded separately and the hidden states are
 * concatenated along the sequence.
 * <p>
 * Textual-inversion embeddings ({@link EmbeddingNames}) are found in each span's tokens as A1111's
 * {@code tokenize_line} finds them: the name's tokens become one placeholder token (id 0) per vector of the
 * embedding, with the span's weight, and a {@link Fix} tells the encoder to put the vectors there; an embedding that
 * does not fit in the rest of a chunk starts the next one (it is never split). As in A1111, a comma backtrack moves
 * the tokens after the comma but leaves their fixes with the chunk they were written in.
 */
public final class PromptChunks {
    /** A1111's default {@code comma_padding_backtrack}. */
    public static final int COMMA_BACKTRACK = 20;

    /** Where an embedding's vectors go: {@code vectors} positions from {@code position} of a chunk's ids (BOS is 0). */
    public record Fix(int position, String name, int vectors) {
    }

    /**
     * One encoder input: {@code ids} and per-token {@code weights}, both of the tokenizer's max length (77), and the
     * embeddings whose vectors replace token embeddings.
     */
    public record Chunk(int[] ids, float[] weights, List<Fix> fixes) {
        public Chunk {
            fixes = List.copyOf(fixes);
        }

        public Chunk(int[] ids, float[] weights) {
            this(ids, weights, List.of());
        }

        /** Whether any token is weighted other than 1 (then emphasis is applied). */
        public boolean weighted() {
            for (float w : weights) {
                if (w != 1f) {
                    return true;
                }
            }
            return false;
        }
    }

    /** A1111's placeholder id for an embedding vector (its token embedding is replaced). */
    private static final int PLACEHOLDER = 0;

    private final ClipTokenizer tokenizer;
    private final EmbeddingNames embeddings;
    private final int commaId;
    private final List<Chunk> chunks = new ArrayList<>();
    private List<Integer> tokens = new ArrayList<>();
    private List<Float> weights = new ArrayList<>();
    private List<Fix> fixes = new ArrayList<>();
    private int lastComma = -1;

    private PromptChunks(ClipTokenizer tokenizer, EmbeddingNames embeddings) {
        this.tokenizer = tokenizer;
        this.embeddings = embeddings;
        int[] comma = tokenizer.tokenize(",");
        this.commaId = comma.length == 1 ? comma[0] : -1;
    }

    /** The chunks of one prompt (at least one; the empty prompt is one chunk of BOS, EOS and padding). */
    public static List<Chunk> of(ClipTokenizer tokenizer, String prompt) {
        return of(tokenizer, prompt, EmbeddingNames.NONE);
    }

    /** The chunks of one prompt whose embedding names ({@code embeddings}) are replaced by their vectors. */
    public static List<Chunk> of(ClipTokenizer tokenizer, String prompt, EmbeddingNames embeddings) {
        PromptChunks builder = new PromptChunks(tokenizer, embeddings);
        for (PromptAttention.Span span : ParsedPrompt.attention(prompt).spans()) {
            if (span.isBreak()) {
                builder.nextChunk();
            } else {
                builder.add(tokenizer.tokenize(span.text()), (float) span.weight());
            }
        }
        if (!builder.tokens.isEmpty() || builder.chunks.isEmpty()) {
            builder.nextChunk();
        }
        return List.copyOf(builder.chunks);
    }

    /** Pads the shorter list with chunks of the empty prompt, so prompt and negative prompt line up for CFG. */
    public static List<Chunk> padTo(ClipTokenizer tokenizer, List<Chunk> chunks, int count) {
        List<Chunk> padded = new ArrayList<>(chunks);
        Chunk empty = of(tokenizer, "").get(0);
        while (padded.size() < count) {
            padded.add(empty);
        }
        return padded;
    }

    private void add(int[] spanTokens, float weight) {
        int length = tokenizer.chunkLength();
        int position = 0;
        while (position < spanTokens.length) {
            int token = spanTokens[position];
            if (token == commaId) {
                lastComma = tokens.size();
            } else if (tokens.size() == length && lastComma != -1 && tokens.size() - lastComma <= COMMA_BACKTRACK) {
                int breakAt = lastComma + 1;
                List<Integer> movedTokens = new ArrayList<>(tokens.subList(breakAt, tokens.size()));
                List<Float> movedWeights = new ArrayList<>(weights.subList(breakAt, weights.size()));
                tokens = new ArrayList<>(tokens.subList(0, breakAt));
                weights = new ArrayList<>(weights.subList(0, breakAt));
                nextChunk();
                tokens = movedTokens;
                weights = movedWeights;
            }
            if (tokens.size() == length) {
                nextChunk();
            }
            EmbeddingNames.Match embedding = embeddings.at(spanTokens, position);
            if (embedding == null) {
                tokens.add(token);
                weights.add(weight);
                position++;
                continue;
            }
            if (tokens.size() + embedding.vectors() > length) {
                nextChunk();
            }
            fixes.add(new Fix(tokens.size() + 1, embedding.name(), embedding.vectors()));
            for (int v = 0; v < embedding.vectors(); v++) {
                tokens.add(PLACEHOLDER);
                weights.add(weight);
            }
            position += embedding.length();
        }
    }

    private void nextChunk() {
        int max = tokenizer.maxLength();
        int[] ids = new int[max];
        float[] w = new float[max];
        Arrays.fill(ids, tokenizer.padId());
        Arrays.fill(w, 1f);
        ids[0] = tokenizer.bosId();
        for (int i = 0; i < tokens.size(); i++) {
            ids[i + 1] = tokens.get(i);
            w[i + 1] = weights.get(i);
        }
        // BOS, tokens, EOS, padding: diffusers' framing, so a short unweighted prompt encodes exactly as there.
        // A1111 puts the EOS after the padding instead; with SD 1.x's padding (EOS itself) the two are the same.
        ids[tokens.size() + 1] = tokenizer.eosId();
        chunks.add(new Chunk(ids, w, fixes));
        tokens = new ArrayList<>();
        weights = new ArrayList<>();
        fixes = new ArrayList<>();
        lastComma = -1;
    }
}
