package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.clip.ClipImageProcessor;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.lora.LoraFile;
import dev.sdbot.inference.lora.LoraMismatchException;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.safety.SafetyChecker;
import dev.sdbot.inference.safety.SafetyCheckerConfig;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.vae.Vae;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.CheckpointLoader;
import dev.sdbot.inference.weights.LoraMerger;
import dev.sdbot.inference.weights.ModelFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /** The model with {@code loras} merged in order. */
    public static DiffusionModel load(Path path, NDManager manager, List<LoraFile> loras) {
        return loadCounting(path, manager, loras).model();
    }

    static ModelCache.Loaded loadCounting(Path path, NDManager manager) {
        return loadCounting(path, manager, List.of());
    }

    /** The model with {@code loras} merged into its UNet and text encoder, in order (see {@link LoraMerger}). */
    static ModelCache.Loaded loadCounting(Path path, NDManager manager, List<LoraFile> loras) {
        long[] bytes = new long[1];
        try (ModelFiles files = CheckpointLoader.open(path)) {
            ModelDescription d = files.description();
            Weights unetWeights = files.unet(manager);
            Weights textWeights = files.textEncoder(manager);
            for (LoraFile lora : loras) {
                LoraMerger.Merged merged;
                try {
                    merged = LoraMerger.merge(lora.path(), lora.tag().textWeight(), lora.tag().unetWeight(),
                            unetWeights, textWeights, manager);
                } catch (CheckpointException e) {
                    throw new LoraMismatchException(lora.tag().name(), e.getMessage(), e);
                }
                closeReplaced(unetWeights, merged.unet());
                closeReplaced(textWeights, merged.textEncoder());
                unetWeights = merged.unet();
                textWeights = merged.textEncoder();
            }
            UNet unet = UNet.load(counted(unetWeights, bytes), d.unet());
            Vae vae = Vae.load(counted(files.vae(manager), bytes), d.vae());
            ClipTextModel text = ClipTextModel.load(counted(textWeights, bytes), d.textEncoder());
            SafetyChecker safety = null;
            Optional<Weights> safetyWeights = files.safetyChecker(manager);
            if (safetyWeights.isPresent()) {
                Path featureExtractor = path.resolve("feature_extractor/preprocessor_config.json");
                ClipImageProcessor processor = Files.isRegularFile(featureExtractor)
                        ? ClipImageProcessor.fromJson(featureExtractor) : ClipImageProcessor.standard();
                safety = SafetyChecker.load(counted(safetyWeights.get(), bytes),
                        SafetyCheckerConfig.fromJson(path.resolve("safety_checker/config.json")), processor);
            }
            DiffusionModel model = new DiffusionModel(unet, vae, text, files.tokenizer(), d.scheduler(), safety);
            return new ModelCache.Loaded(model, bytes[0]);
        }
    }

    /** Frees the weights a merge replaced: they were loaded for this model alone. */
    private static void closeReplaced(Weights before, Weights after) {
        for (String key : before.keys()) {
            if (before.get(key) != after.get(key)) {
                before.get(key).close();
            }
        }
    }

    private static Weights counted(Weights weights, long[] bytes) {
        for (String key : weights.keys()) {
            NDArray a = weights.get(key);
            bytes[0] += a.size() * a.getDataType().getNumOfBytes();
        }
        return weights;
    }
}
