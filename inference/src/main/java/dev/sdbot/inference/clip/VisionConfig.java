package dev.sdbot.inference.clip;

import com.google.gson.JsonObject;
import dev.sdbot.inference.weights.CheckpointException;

/**
 * The shape of a CLIP vision tower (transformers' CLIPVisionConfig).
 *
 * @param hiddenSize       width
 * @param intermediateSize MLP width
 * @param numLayers        encoder layers
 * @param numHeads         attention heads
 * @param imageSize        input side in pixels (224)
 * @param patchSize        patch side in pixels
 * @param activation       MLP activation
 * @param layerNormEps     epsilon of every LayerNorm
 */
public record VisionConfig(int hiddenSize, int intermediateSize, int numLayers, int numHeads, int imageSize,
                           int patchSize, ClipActivation activation, float layerNormEps) {

    public VisionConfig {
        ConfigJson.checkHeads(hiddenSize, numHeads, "vision config");
        if (imageSize % patchSize != 0) {
            throw new CheckpointException("vision config: image_size " + imageSize
                    + " is not a multiple of patch_size " + patchSize);
        }
    }

    /** Patches per side. */
    public int gridSize() {
        return imageSize / patchSize;
    }

    /** Parses a {@code vision_config} JSON object (as nested in the safety checker's config). */
    public static VisionConfig fromJson(JsonObject o, String source) {
        return new VisionConfig(
                ConfigJson.positiveInt(o, "hidden_size", 768, source),
                ConfigJson.positiveInt(o, "intermediate_size", 3072, source),
                ConfigJson.positiveInt(o, "num_hidden_layers", 12, source),
                ConfigJson.positiveInt(o, "num_attention_heads", 12, source),
                ConfigJson.positiveInt(o, "image_size", 224, source),
                ConfigJson.positiveInt(o, "patch_size", 32, source),
                ClipActivation.fromConfig(ConfigJson.string(o, "hidden_act", "quick_gelu")),
                (float) ConfigJson.number(o, "layer_norm_eps", 1e-5, source));
    }
}
