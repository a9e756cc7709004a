package dev.sdbot.inference.model;

/**
 * Architecture of the CLIP text transformer (transformers' CLIPTextModel) plus the tokenizer's special ids.
 *
 * @param numLayers  layers held by the weights (SD 2.x: the penultimate OpenCLIP layer is the last one kept)
 * @param hiddenAct  {@code quick_gelu} (OpenAI CLIP, SD 1.x) or {@code gelu} (OpenCLIP, SD 2.x)
 * @param padTokenId 49407 (end of text) for SD 1.x, 0 ("!") for SD 2.x
 */
public record TextEncoderConfig(
        int hiddenSize,
        int numLayers,
        int numHeads,
        int intermediateSize,
        String hiddenAct,
        int maxPositions,
        double layerNormEps,
        int vocabSize,
        int padTokenId,
        int bosTokenId,
        int eosTokenId) {
}
