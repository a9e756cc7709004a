package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.clip.ClipImageProcessor;
import dev.sdbot.inference.image.ImageTensors;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.safety.SafetyChecker;
import dev.sdbot.inference.safety.SafetyResult;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Safety checker parity with diffusers on mini-sd15: the classifier on the reference pixel values
 * (embeddings to 1e-4, scores and verdicts exactly), and our CLIP preprocessing on the reference
 * 8-bit images.
 */
public final class SafetyChecks {
    public static final double EMBEDS_TOLERANCE = 1e-4;
    /** Cosines go through the same float32 ops; allow for a different summation order. */
    public static final double COSINE_TOLERANCE = 1e-5;
    /** Our resampler reproduces Pillow's; allow for float rounding in rescale/normalise. */
    public static final double PREPROCESS_TOLERANCE = 1e-2;

    private SafetyChecks() {
    }

    public static List<CheckResult> run(Path ldm) {
        return run(ldm, "mini-sd15");
    }

    /** The safety checker of the diffusers folder {@code <name>} against {@code <name>-reference}'s {@code safety.*}. */
    public static List<CheckResult> run(Path ldm, String modelName) {
        Path model = ldm.resolve(modelName);
        List<CheckResult> results = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = SafetensorsFile.open(ldm.resolve(modelName + "-reference").resolve("reference.safetensors"))) {
            ClipImageProcessor processor = ClipImageProcessor.fromJson(
                    model.resolve("feature_extractor").resolve("preprocessor_config.json"));
            SafetyChecker checker = SafetyChecker.load(model.resolve("safety_checker"), processor, m);

            NDArray pixelValues = ref.load("safety.in.pixel_values", m, DataType.FLOAT32);
            NDArray embeds = checker.imageEmbeds(pixelValues);
            results.add(relative(ref, m, "safety.image_embeds", embeds, EMBEDS_TOLERANCE));
            results.add(relative(ref, m, "safety.cos", checker.conceptCosine(embeds), COSINE_TOLERANCE));
            results.add(relative(ref, m, "safety.special_cos", checker.specialCareCosine(embeds), COSINE_TOLERANCE));

            List<SafetyResult> verdicts = checker.check(pixelValues);
            results.add(CheckResult.exact("safety.concept_scores",
                    flatten(verdicts, true), ref.load("safety.concept_scores", m).toFloatArray()));
            results.add(CheckResult.exact("safety.special_scores",
                    flatten(verdicts, false), ref.load("safety.special_scores", m).toFloatArray()));
            float[] nsfw = new float[verdicts.size()];
            for (int i = 0; i < nsfw.length; i++) {
                nsfw[i] = verdicts.get(i).nsfw() ? 1 : 0;
            }
            results.add(CheckResult.exact("safety.has_nsfw", nsfw,
                    ref.load("safety.has_nsfw", m, DataType.FLOAT32).toFloatArray()));

            List<RgbImage> images = ImageTensors.fromHwc(ref.load("safety.in.images_uint8", m));
            results.add(CheckResult.relative("safety.in.pixel_values (preprocessing)",
                    processor.pixelValues(images, m).toFloatArray(), pixelValues.toFloatArray(), PREPROCESS_TOLERANCE));
        }
        return results;
    }

    private static CheckResult relative(SafetensorsFile ref, NDManager m, String key, NDArray actual, double tolerance) {
        return CheckResult.relative(key, actual.toFloatArray(), ref.load(key, m, DataType.FLOAT32).toFloatArray(), tolerance);
    }

    private static float[] flatten(List<SafetyResult> verdicts, boolean concepts) {
        int width = concepts ? verdicts.get(0).conceptScores().length : verdicts.get(0).specialScores().length;
        float[] out = new float[verdicts.size() * width];
        for (int i = 0; i < verdicts.size(); i++) {
            System.arraycopy(concepts ? verdicts.get(i).conceptScores() : verdicts.get(i).specialScores(), 0,
                    out, i * width, width);
        }
        return out;
    }
}
