package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.clip.ClipImageProcessor;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.nn.Linear;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.safety.SafetyChecker;
import dev.sdbot.inference.safety.SafetyCheckerConfig;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.vae.Vae;
import dev.sdbot.inference.weights.CheckpointLoader;
import dev.sdbot.inference.weights.ModelFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Builds a {@link DiffusionModel} from a checkpoint (diffusers folder or single file), weights in float32
 * in the given manager. The safety checker comes from a diffusers folder's {@code safety_checker/} (with its
 * {@code feature_extractor/}); single-file checkpoints have none.
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static DiffusionModel load(Path path, NDManager manager) {
        return loadCounting(path, manager).model();
    }

    static ModelCache.Loaded loadCounting(Path path, NDManager manager) {
        try (ModelFiles files = CheckpointLoader.open(path)) {
            return build(files, files.description(), manager);
        }
    }

    /**
     * The networks of {@code files} built as {@code d} describes (e.g. a single file with its diffusers folder's
     * configs, as diffusers' {@code from_single_file(config=...)} does).
     */
    public static DiffusionModel load(ModelFiles files, ModelDescription d, NDManager manager) {
        return build(files, d, manager).model();
    }

    private static ModelCache.Loaded build(ModelFiles files, ModelDescription d, NDManager manager) {
        Path path = files.path();
        long[] bytes = new long[1];
        UNet unet = UNet.load(counted(files.unet(manager), bytes), d.unet());
        Vae vae = Vae.load(counted(files.vae(manager), bytes), d.vae());
        TextConditioner text = textConditioner(files, d, manager, bytes);
        SafetyChecker safety = null;
        Optional<Weights> safetyWeights = files.safetyChecker(manager);
        if (safetyWeights.isPresent()) {
            Path featureExtractor = path.resolve("feature_extractor/preprocessor_config.json");
            ClipImageProcessor processor = Files.isRegularFile(featureExtractor)
                    ? ClipImageProcessor.fromJson(featureExtractor) : ClipImageProcessor.standard();
            safety = SafetyChecker.load(counted(safetyWeights.get(), bytes),
                    SafetyCheckerConfig.fromJson(path.resolve("safety_checker/config.json")), processor);
        }
        DiffusionModel model = new DiffusionModel(d.family(), unet, vae, text, d.scheduler(), safety);
        return new ModelCache.Loaded(model, bytes[0]);
    }

    /** One CLIP encoder, or SDXL's two with encoder 2's text projection. */
    private static TextConditioner textConditioner(ModelFiles files, ModelDescription d, NDManager manager,
                                                   long[] bytes) {
        ClipTextModel text = ClipTextModel.load(counted(files.textEncoder(manager), bytes), d.textEncoder());
        if (d.textEncoder2() == null) {
            return new ClipConditioner(files.tokenizer(), text);
        }
        Weights second = counted(files.textEncoder2(manager).orElseThrow(), bytes);
        return new SdxlConditioner(files.tokenizer(), text, files.tokenizer2().orElseThrow(),
                ClipTextModel.load(second, d.textEncoder2()), Linear.load(second, "text_projection"),
                d.forceZerosForEmptyPrompt());
    }

    private static Weights counted(Weights weights, long[] bytes) {
        for (String key : weights.keys()) {
            NDArray a = weights.get(key);
            bytes[0] += a.size() * a.getDataType().getNumOfBytes();
        }
        return weights;
    }
}
