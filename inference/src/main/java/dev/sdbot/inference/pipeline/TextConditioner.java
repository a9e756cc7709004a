package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.clip.InputVectors;
import dev.sdbot.inference.embedding.Embedding;
import dev.sdbot.inference.clip.PromptEmphasis;
import dev.sdbot.inference.text.ClipTokenizer;
import dev.sdbot.inference.text.PromptChunks;

import java.util.List;
import java.util.function.BiFunction;

/**
 * Turns prompt text into UNet conditioning: one CLIP encoder (SD 1.x/2.x) or SDXL's two. Prompts use A1111's
 * attention syntax and any length ({@link PromptChunks}): each 77-token chunk is encoded on its own and the
 * hidden states are joined along the sequence, so L is 77 per chunk.
 */
public interface TextConditioner {

    /** The tokenizer that cuts prompts into chunks (SDXL's two share one vocabulary, so one count fits both). */
    ClipTokenizer tokenizer();

    /** Chunks of {@code text}; prompt and negative prompt are both padded to the larger count. */
    default int chunkCount(String text, PromptEmbeddings embeddings) {
        return PromptChunks.of(tokenizer(), text, embeddings.names(tokenizer())).size();
    }

    /**
     * One prompt's conditioning, batch 1, padded with empty-prompt chunks to {@code chunks} chunks; the names of
     * {@code embeddings} in it are replaced by their vectors.
     */
    Conditioning encode(NDManager manager, String text, int chunks, int clipSkip, PromptEmbeddings embeddings);

    /**
     * The unconditional half of classifier-free guidance for a negative prompt ("" = none): by default the
     * encoded negative prompt, as diffusers' SD 1.x/2.x pipelines and A1111 do.
     */
    default Conditioning unconditional(NDManager manager, String negativePrompt, int chunks, int clipSkip,
                                       PromptEmbeddings embeddings) {
        return encode(manager, negativePrompt, chunks, clipSkip, embeddings);
    }

    /** How many text encoders run (A1111 writes an embedding's TI hash once per encoder call). */
    int encoderCount();

    /** Whether a textual-inversion embedding's vectors have the widths of these encoders. */
    boolean fits(Embedding embedding);

    /** The vector widths an embedding needs here, in words ("768", "768 + 1280"). */
    String embeddingWidths();

    /** The largest clip skip the encoders allow. */
    int maxClipSkip();

    /**
     * One encoder over the chunks of {@code text} as one batch: (1, chunks x 77, D), each chunk weighted by its
     * emphasis (mean restored per chunk).
     *
     * @param encoder (chunks, 77) ids and the embeddings' vectors to (chunks, 77, D) hidden states
     */
    static NDArray encodeChunks(NDManager manager, List<PromptChunks.Chunk> chunks, InputVectors vectors,
                                BiFunction<NDArray, InputVectors, NDArray> encoder) {
        int length = chunks.get(0).ids().length;
        long[] ids = new long[chunks.size() * length];
        float[][] weights = new float[chunks.size()][];
        boolean weighted = false;
        for (int c = 0; c < chunks.size(); c++) {
            int[] chunkIds = chunks.get(c).ids();
            for (int i = 0; i < length; i++) {
                ids[c * length + i] = chunkIds[i];
            }
            weights[c] = chunks.get(c).weights();
            weighted |= chunks.get(c).weighted();
        }
        NDArray hidden = encoder.apply(manager.create(ids, new Shape(chunks.size(), length)), vectors);
        if (weighted) {
            hidden = PromptEmphasis.apply(hidden, weights);
        }
        return hidden.reshape(1, (long) chunks.size() * length, hidden.getShape().get(2));
    }
}
