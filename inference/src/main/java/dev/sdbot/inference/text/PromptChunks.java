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
 */
public final class PromptChunks {
    /** A1111's default {@code comma_padding_backtrack}. */
    public static final int COMMA_BACKTRACK = 20;

    /** One encoder input: {@code ids} and per-token {@code weights}, both of the tokenizer's max length (77). */
    public record Chunk(int[] ids, float[] weights) {
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

    private final ClipTokenizer tokenizer;
    private final int commaId;
    private final List<Chunk> chunks = new ArrayList<>();
    private List<Integer> tokens = new ArrayList<>();
    private List<Float> weights = new ArrayList<>();
    private int lastComma = -1;

    private PromptChunks(ClipTokenizer tokenizer) {
        this.tokenizer = tokenizer;
        int[] comma = tokenizer.tokenize(",");
        this.commaId = comma.length == 1 ? comma[0] : -1;
    }

    /** The chunks of one prompt (at least one; the empty prompt is one chunk of BOS, EOS and padding). */
    public static List<Chunk> of(ClipTokenizer tokenizer, String prompt) {
        PromptChunks builder = new PromptChunks(tokenizer);
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
        for (int token : spanTokens) {
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
            tokens.add(token);
            weights.add(weight);
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
        chunks.add(new Chunk(ids, w));
        tokens = new ArrayList<>();
        weights = new ArrayList<>();
        lastComma = -1;
    }
}
