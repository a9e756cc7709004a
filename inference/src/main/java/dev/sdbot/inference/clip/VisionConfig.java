package dev.sdbot.inference.clip;

import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.ConfigJson;

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
        TextEncoderConfig.checkHeads(hiddenSize, numHeads, "vision config");
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
    public static VisionConfig fromJson(ConfigJson c) {
        return new VisionConfig(
                c.positiveInt("hidden_size", 768),
                c.positiveInt("intermediate_size", 3072),
                c.positiveInt("num_hidden_layers", 12),
                c.positiveInt("num_attention_heads", 12),
                c.positiveInt("image_size", 224),
                c.positiveInt("patch_size", 32),
                ClipActivation.fromConfig(c.getString("hidden_act", "quick_gelu")),
                (float) c.getDouble("layer_norm_eps", 1e-5));
    }
}
