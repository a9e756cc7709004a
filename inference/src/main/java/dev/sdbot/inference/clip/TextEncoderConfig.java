package dev.sdbot.inference.clip;

import com.google.gson.JsonObject;

import java.nio.file.Path;

/**
 * The shape of a CLIP text encoder (transformers' CLIPTextConfig).
 *
 * @param vocabSize             token embedding rows
 * @param hiddenSize            width
 * @param intermediateSize      MLP width
 * @param numLayers             encoder layers held by the weights
 * @param numHeads              attention heads
 * @param maxPositions          position embedding rows (77)
 * @param activation            MLP activation
 * @param layerNormEps          epsilon of every LayerNorm
 */
public record TextEncoderConfig(int vocabSize, int hiddenSize, int intermediateSize, int numLayers, int numHeads,
                                int maxPositions, ClipActivation activation, float layerNormEps) {

    public TextEncoderConfig {
        ConfigJson.checkHeads(hiddenSize, numHeads, "text encoder config");
    }

    /** SD 1.x's text encoder, OpenAI CLIP ViT-L/14: 768 wide, 12 layers, 12 heads, quick_gelu. */
    public static TextEncoderConfig vitL14() {
        return new TextEncoderConfig(49408, 768, 3072, 12, 12, 77, ClipActivation.QUICK_GELU, 1e-5f);
    }

    /** Reads {@code text_encoder/config.json} of a diffusers folder. */
    public static TextEncoderConfig fromJson(Path configJson) {
        return fromJson(ConfigJson.read(configJson), configJson.toString());
    }

    public static TextEncoderConfig parse(String json) {
        return fromJson(ConfigJson.parse(json, "text encoder config"), "text encoder config");
    }

    static TextEncoderConfig fromJson(JsonObject o, String source) {
        return new TextEncoderConfig(
                ConfigJson.positiveInt(o, "vocab_size", 49408, source),
                ConfigJson.positiveInt(o, "hidden_size", 512, source),
                ConfigJson.positiveInt(o, "intermediate_size", 2048, source),
                ConfigJson.positiveInt(o, "num_hidden_layers", 12, source),
                ConfigJson.positiveInt(o, "num_attention_heads", 8, source),
                ConfigJson.positiveInt(o, "max_position_embeddings", 77, source),
                ClipActivation.fromConfig(ConfigJson.string(o, "hidden_act", "quick_gelu")),
                (float) ConfigJson.number(o, "layer_norm_eps", 1e-5, source));
    }
}
