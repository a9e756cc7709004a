package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.text.ClipTokenizer;

/** SD 1.x/2.x: one CLIP text encoder's (final-layer-normed) hidden states, no pooled embedding. */
public record ClipConditioner(ClipTokenizer tokenizer, ClipTextModel textEncoder) implements TextConditioner {

    @Override
    public Conditioning encode(NDManager manager, String text, int chunks, int clipSkip) {
        return new Conditioning(TextConditioner.encodeChunks(manager, TextConditioner.chunks(tokenizer, text, chunks),
                ids -> textEncoder.encode(ids, clipSkip)), null);
    }

    @Override
    public int maxClipSkip() {
        return textEncoder.config().numLayers();
    }
}
