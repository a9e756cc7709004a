package dev.sdbot.inference.safety;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.inference.clip.ClipImageProcessor;
import dev.sdbot.inference.clip.ClipVisionModel;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.nn.Linear;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.SafetensorsWeights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * diffusers' StableDiffusionSafetyChecker: the CLIP image embedding is compared by cosine similarity
 * with 17 NSFW concept embeddings and 3 "special care" embeddings, each with its own threshold. The
 * scores are computed in float32 and rounded like numpy ({@code round(x, 3)}), so verdicts match
 * diffusers image for image.
 */
public final class SafetyChecker {
    /** diffusers tightens every concept threshold by this much once a special-care concept fires. */
    private static final float SPECIAL_CARE_ADJUSTMENT = 0.01f;

    private final ClipVisionModel vision;
    private final Linear visualProjection;
    /** Unit-length concept embeddings, transposed: (projectionDim, concepts). */
    private final NDArray conceptDirections;
    private final NDArray specialCareDirections;
    private final float[] conceptThresholds;
    private final float[] specialCareThresholds;
    private final ClipImageProcessor processor;

    private SafetyChecker(ClipVisionModel vision, Linear visualProjection, NDArray conceptDirections,
                          NDArray specialCareDirections, float[] conceptThresholds, float[] specialCareThresholds,
                          ClipImageProcessor processor) {
        this.vision = vision;
        this.visualProjection = visualProjection;
        this.conceptDirections = conceptDirections;
        this.specialCareDirections = specialCareDirections;
        this.conceptThresholds = conceptThresholds;
        this.specialCareThresholds = specialCareThresholds;
        this.processor = processor;
    }

    /**
     * Loads a diffusers {@code safety_checker} folder ({@code config.json} + {@code model.safetensors}
     * or {@code model.fp16.safetensors}) in float32 into {@code manager}, which must outlive the checker.
     */
    public static SafetyChecker load(Path safetyCheckerDir, ClipImageProcessor processor, NDManager manager) {
        Path weightsFile = SafetyCheckerFolder.weightsFile(safetyCheckerDir);
        SafetyCheckerConfig config = SafetyCheckerConfig.fromJson(safetyCheckerDir.resolve("config.json"));
        return load(SafetensorsWeights.loadAll(weightsFile, manager, DataType.FLOAT32), config, processor);
    }

    /** @param w weights named as diffusers saves them ({@code vision_model.vision_model.*}, {@code concept_embeds}...) */
    public static SafetyChecker load(Weights w, SafetyCheckerConfig config, ClipImageProcessor processor) {
        checkFits(config, processor);
        Linear projection = Linear.load(w, "visual_projection");
        if (projection.outFeatures() != config.projectionDim()) {
            throw new CheckpointException("visual_projection has " + projection.outFeatures()
                    + " outputs, the config says projection_dim " + config.projectionDim());
        }
        NDArray concepts = w.get("concept_embeds");
        NDArray special = w.get("special_care_embeds");
        float[] conceptThresholds = w.get("concept_embeds_weights").toFloatArray();
        float[] specialThresholds = w.get("special_care_embeds_weights").toFloatArray();
        if (concepts.getShape().get(0) != conceptThresholds.length || special.getShape().get(0) != specialThresholds.length) {
            throw new CheckpointException("safety checker embeddings and thresholds differ in count");
        }
        return new SafetyChecker(ClipVisionModel.load(w.sub("vision_model"), config.vision()), projection,
                directions(concepts), directions(special), conceptThresholds, specialThresholds, processor);
    }

    /** The feature extractor must crop to the size the checker's vision tower was trained on. */
    static void checkFits(SafetyCheckerConfig config, ClipImageProcessor processor) {
        if (processor.cropHeight() != config.vision().imageSize() || processor.cropWidth() != config.vision().imageSize()) {
            throw new CheckpointException("feature extractor crops " + processor.cropWidth() + "x" + processor.cropHeight()
                    + " but the safety checker expects " + config.vision().imageSize() + " pixels");
        }
    }

    /** Checks decoded 8-bit images (the pipeline's {@code uint8} output). */
    public List<SafetyResult> check(List<RgbImage> images) {
        if (images.isEmpty()) {
            return List.of();
        }
        try (NDManager m = conceptDirections.getManager().newSubManager()) {
            return check(processor.pixelValues(images, m));
        }
    }

    /** Checks preprocessed CLIP pixel values (B, 3, S, S). */
    public List<SafetyResult> check(NDArray pixelValues) {
        NDArray embeds = imageEmbeds(pixelValues);
        return classify(toRows(conceptCosine(embeds)), toRows(specialCareCosine(embeds)));
    }

    /** {@code visual_projection(pooled CLS)}: (B, projectionDim). */
    public NDArray imageEmbeds(NDArray pixelValues) {
        return visualProjection.forward(vision.pooled(pixelValues));
    }

    /** Cosine similarity of each image embedding with each NSFW concept: (B, concepts). */
    public NDArray conceptCosine(NDArray imageEmbeds) {
        return unit(imageEmbeds).matMul(conceptDirections);
    }

    /** Cosine similarity with each special-care concept: (B, special). */
    public NDArray specialCareCosine(NDArray imageEmbeds) {
        return unit(imageEmbeds).matMul(specialCareDirections);
    }

    /** torch.nn.functional.normalize along the last axis: {@code x / max(|x|, 1e-12)}. */
    private static NDArray unit(NDArray x) {
        return x.div(x.norm(new int[]{-1}, true).maximum(1e-12f));
    }

    /** The concept embeddings normalised once at load time, transposed for {@code embeds @ directions}. */
    private static NDArray directions(NDArray embeds) {
        return unit(embeds).transpose();
    }

    /**
     * The scoring loop of diffusers, image by image: special-care scores first (once one is above 0
     * the adjustment becomes 0.01), then concept scores with the adjustment; NSFW if any concept
     * score is above 0 ({@link SafetyVerdict#decide} at shift 0, which also flags a score that is NaN).
     */
    public List<SafetyResult> classify(float[][] conceptCos, float[][] specialCos) {
        List<SafetyResult> results = new ArrayList<>(conceptCos.length);
        for (int i = 0; i < conceptCos.length; i++) {
            float adjustment = 0;
            float[] special = new float[specialCareThresholds.length];
            for (int j = 0; j < special.length; j++) {
                special[j] = score(specialCos[i][j], specialCareThresholds[j], adjustment);
                if (special[j] > 0) {
                    adjustment = SPECIAL_CARE_ADJUSTMENT;
                }
            }
            float[] concepts = new float[conceptThresholds.length];
            for (int j = 0; j < concepts.length; j++) {
                concepts[j] = score(conceptCos[i][j], conceptThresholds[j], adjustment);
            }
            results.add(new SafetyResult(SafetyVerdict.decide(concepts, 0) == SafetyVerdict.FLAGGED, concepts, special));
        }
        return results;
    }

    /** {@code round(cos - threshold + adjustment, 3)} in float32 as numpy does: x*1000, rint, /1000. */
    static float score(float cos, float threshold, float adjustment) {
        float x = cos - threshold + adjustment;
        return (float) Math.rint(x * 1000f) / 1000f;
    }

    private static float[][] toRows(NDArray matrix) {
        int rows = (int) matrix.getShape().get(0);
        int cols = (int) matrix.getShape().get(1);
        float[] flat = matrix.toFloatArray();
        float[][] out = new float[rows][cols];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(flat, r * cols, out[r], 0, cols);
        }
        return out;
    }
}
