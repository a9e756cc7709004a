package dev.sdbot.inference.clip;

import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.ConfigJson;

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
        checkHeads(hiddenSize, numHeads, "text encoder config");
    }

    /** SD 1.x's text encoder, OpenAI CLIP ViT-L/14: 768 wide, 12 layers, 12 heads, quick_gelu. */
    public static TextEncoderConfig vitL14() {
        return new TextEncoderConfig(49408, 768, 3072, 12, 12, 77, ClipActivation.QUICK_GELU, 1e-5f);
    }

    /** Reads {@code text_encoder/config.json} of a diffusers folder. */
    public static TextEncoderConfig fromJson(Path configJson) {
        return fromJson(ConfigJson.read(configJson));
    }

    public static TextEncoderConfig parse(String json) {
        return fromJson(ConfigJson.parse(json, "text encoder config"));
    }

    private static TextEncoderConfig fromJson(ConfigJson c) {
        return new TextEncoderConfig(
                c.positiveInt("vocab_size", 49408),
                c.positiveInt("hidden_size", 512),
                c.positiveInt("intermediate_size", 2048),
                c.positiveInt("num_hidden_layers", 12),
                c.positiveInt("num_attention_heads", 8),
                c.positiveInt("max_position_embeddings", 77),
                ClipActivation.fromConfig(c.getString("hidden_act", "quick_gelu")),
                (float) c.getDouble("layer_norm_eps", 1e-5));
    }

    /** Attention heads split the width evenly (shared with {@link VisionConfig}). */
    static void checkHeads(int width, int heads, String source) {
        if (width % heads != 0) {
            throw new CheckpointException(source + ": hidden_size " + width + " is not divisible by "
                    + heads + " attention heads");
        }
    }
}
