package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.embedding.Embedding;
import dev.sdbot.inference.text.ClipTokenizer;
import dev.sdbot.inference.text.PromptChunks;

import java.util.List;

/** SD 1.x/2.x: one CLIP text encoder's (final-layer-normed) hidden states, no pooled embedding. */
public record ClipConditioner(ClipTokenizer tokenizer, ClipTextModel textEncoder) implements TextConditioner {

    @Override
    public Conditioning encode(NDManager manager, String text, int chunks, int clipSkip, PromptEmbeddings embeddings) {
        List<PromptChunks.Chunk> padded = embeddings.chunks(tokenizer, text, chunks);
        return new Conditioning(TextConditioner.encodeChunks(manager, padded, embeddings.vectors(padded, Embedding.SINGLE),
                (ids, vectors) -> textEncoder.encode(ids, clipSkip, vectors)), null);
    }

    @Override
    public int encoderCount() {
        return 1;
    }

    @Override
    public boolean fits(Embedding embedding) {
        return !embedding.isSdxl() && embedding.width(Embedding.SINGLE) == textEncoder.config().hiddenSize();
    }

    @Override
    public String embeddingWidths() {
        return Integer.toString(textEncoder.config().hiddenSize());
    }

    @Override
    public int maxClipSkip() {
        return textEncoder.config().numLayers();
    }
}
