package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.embedding.Embedding;
import dev.sdbot.inference.nn.Linear;
import dev.sdbot.inference.text.ClipTokenizer;
import dev.sdbot.inference.text.PromptChunks;

import java.util.List;

/**
 * diffusers' StableDiffusionXLPipeline.encode_prompt, with A1111's chunks and emphasis applied to each encoder:
 * the same prompt through both tokenizers and encoders, each encoder's second-to-last hidden state (no final
 * layer norm) concatenated on the channel axis, and the pooled embedding = encoder 2's final-layer-normed state
 * at the first end-of-text token of the first chunk through its {@code text_projection}. With
 * {@code forceZerosForEmptyPrompt} (SDXL base) a missing negative prompt gives zeros for both the unconditional
 * context and pooled embedding.
 *
 * @param projection encoder 2's {@code text_projection} (no bias)
 */
public record SdxlConditioner(ClipTokenizer tokenizer, ClipTextModel textEncoder, ClipTokenizer tokenizer2,
                              ClipTextModel textEncoder2, Linear projection, boolean forceZerosForEmptyPrompt)
        implements TextConditioner {

    @Override
    public Conditioning encode(NDManager manager, String text, int chunks, int clipSkip, PromptEmbeddings embeddings) {
        List<PromptChunks.Chunk> chunks1 = embeddings.chunks(tokenizer, text, chunks);
        NDArray first = TextConditioner.encodeChunks(manager, chunks1, embeddings.vectors(chunks1, Embedding.CLIP_L),
                (ids, vectors) -> textEncoder.encodePenultimate(ids, clipSkip, vectors).hidden());
        List<PromptChunks.Chunk> chunks2 = embeddings.chunks(tokenizer2, text, chunks);
        NDArray[] lastNormed = new NDArray[1];
        NDArray second = TextConditioner.encodeChunks(manager, chunks2, embeddings.vectors(chunks2, Embedding.CLIP_G),
                (ids, vectors) -> {
            ClipTextModel.Penultimate out = textEncoder2.encodePenultimate(ids, clipSkip, vectors);
            lastNormed[0] = out.lastNormed();
            return out.hidden();
        });
        NDArray eosState = lastNormed[0].get("0:1, {}, :", firstEndOfText(chunks2.get(0).ids()));
        return new Conditioning(NDArrays.concat(new NDList(first, second), 2), projection.forward(eosState));
    }

    @Override
    public Conditioning unconditional(NDManager manager, String negativePrompt, int chunks, int clipSkip,
                                      PromptEmbeddings embeddings) {
        if (forceZerosForEmptyPrompt && negativePrompt.isEmpty()) {
            int width = textEncoder.config().hiddenSize() + textEncoder2.config().hiddenSize();
            return new Conditioning(manager.zeros(new Shape(1, (long) chunks * tokenizer.maxLength(), width)),
                    manager.zeros(new Shape(1, projection.outFeatures())));
        }
        return encode(manager, negativePrompt, chunks, clipSkip, embeddings);
    }

    @Override
    public int encoderCount() {
        return 2;
    }

    @Override
    public boolean fits(Embedding embedding) {
        return embedding.isSdxl() && embedding.width(Embedding.CLIP_L) == textEncoder.config().hiddenSize()
                && embedding.width(Embedding.CLIP_G) == textEncoder2.config().hiddenSize();
    }

    @Override
    public String embeddingWidths() {
        return textEncoder.config().hiddenSize() + " + " + textEncoder2.config().hiddenSize() + " (clip_l + clip_g)";
    }

    @Override
    public int maxClipSkip() {
        return Math.min(textEncoder.config().numLayers(), textEncoder2.config().numLayers()) - 1;
    }

    /**
     * transformers' pooling position {@code argmax(ids)}: the end-of-text id is the largest in the vocabulary, so
     * this is its first occurrence whichever token pads.
     */
    private static int firstEndOfText(int[] ids) {
        int best = 0;
        for (int i = 1; i < ids.length; i++) {
            if (ids[i] > ids[best]) {
                best = i;
            }
        }
        return best;
    }
}
