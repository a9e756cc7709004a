package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.clip.ClipImageProcessor;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.lora.LoraFile;
import dev.sdbot.inference.lora.LoraMismatchException;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.nn.Linear;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.safety.SafetyChecker;
import dev.sdbot.inference.safety.SafetyCheckerConfig;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.vae.Vae;
import dev.sdbot.inference.model.ModelDefaults;
import dev.sdbot.inference.vae.TinyVae;
import dev.sdbot.inference.vae.TinyVaeFiles;
import dev.sdbot.inference.weights.SafetensorsWeights;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.CheckpointLoader;
import dev.sdbot.inference.weights.LoraMerger;
import dev.sdbot.inference.weights.ModelFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Builds a {@link DiffusionModel} from a checkpoint (diffusers folder or single file), weights in the given
 * manager: the UNet and text encoder in the compute dtype, the VAE in it too unless the family needs fp32
 * ({@link VaePrecision}), the safety checker always in fp32. The safety checker comes from a diffusers folder's {@code safety_checker/} (with its
 * {@code feature_extractor/}); single-file checkpoints have none.
 */
public final class ModelLoader {
    private ModelLoader() {
    }

    public static DiffusionModel load(Path path, NDManager manager) {
        return load(path, manager, DataType.FLOAT32);
    }

    /** @param computeType FLOAT32 or FLOAT16 (see {@link Precision#computeType}) */
    public static DiffusionModel load(Path path, NDManager manager, DataType computeType) {
        return loadCounting(path, manager, computeType, List.of()).model();
    }

    /** The model in fp32 with {@code loras} merged in order. */
    public static DiffusionModel load(Path path, NDManager manager, List<LoraFile> loras) {
        return loadCounting(path, manager, DataType.FLOAT32, loras).model();
    }

    static ModelCache.Loaded loadCounting(Path path, NDManager manager, DataType computeType) {
        return loadCounting(path, manager, computeType, List.of());
    }

    /** The model with {@code loras} merged into its UNet and text encoder(s), in order (see {@link LoraMerger}). */
    static ModelCache.Loaded loadCounting(Path path, NDManager manager, DataType computeType, List<LoraFile> loras) {
        try (ModelFiles files = CheckpointLoader.open(path)) {
            return build(files, files.description(), manager, computeType, loras);
        }
    }

    /**
     * The networks of {@code files} built as {@code d} describes (e.g. a single file with its diffusers folder's
     * configs, as diffusers' {@code from_single_file(config=...)} does).
     */
    public static DiffusionModel load(ModelFiles files, ModelDescription d, NDManager manager) {
        return build(files, d, manager, DataType.FLOAT32, List.of()).model();
    }

    /**
     * UNet and text encoders in {@code computeType}; the VAE as the family needs it; the safety checker in fp32.
     * LoRAs are merged before the cast, in the checkpoint's own precision.
     */
    private static ModelCache.Loaded build(ModelFiles files, ModelDescription d, NDManager manager, DataType computeType,
                                           List<LoraFile> loras) {
        Path path = files.path();
        long[] bytes = new long[1];
        Weights unetWeights = files.unet(manager);
        Weights textWeights = files.textEncoder(manager);
        Weights text2Weights = d.textEncoder2() == null ? null : files.textEncoder2(manager).orElseThrow();
        for (LoraFile lora : loras) {
            LoraMerger.Merged merged;
            try {
                merged = LoraMerger.merge(lora.path(), lora.tag().textWeight(), lora.tag().unetWeight(),
                        unetWeights, textWeights, text2Weights, manager);
            } catch (CheckpointException e) {
                throw new LoraMismatchException(lora.tag().name(), e.getMessage(), e);
            }
            closeReplaced(unetWeights, merged.unet());
            closeReplaced(textWeights, merged.textEncoder());
            unetWeights = merged.unet();
            textWeights = merged.textEncoder();
            if (text2Weights != null) {
                closeReplaced(text2Weights, merged.textEncoder2());
                text2Weights = merged.textEncoder2();
            }
        }
        UNet unet = UNet.load(counted(unetWeights.castTo(computeType), bytes), d.unet());
        DataType vaeType = VaePrecision.vaeType(computeType, d.family(), path);
        Vae vae = Vae.load(counted(files.vae(manager).castTo(vaeType), bytes), d.vae());
        TextConditioner text = textConditioner(files, d, textWeights, text2Weights, bytes, computeType);
        SafetyChecker safety = null;
        Optional<Weights> safetyWeights = files.safetyChecker(manager);
        if (safetyWeights.isPresent()) {
            Path featureExtractor = path.resolve("feature_extractor/preprocessor_config.json");
            ClipImageProcessor processor = Files.isRegularFile(featureExtractor)
                    ? ClipImageProcessor.fromJson(featureExtractor) : ClipImageProcessor.standard();
            safety = SafetyChecker.load(counted(safetyWeights.get(), bytes),
                    SafetyCheckerConfig.fromJson(path.resolve("safety_checker/config.json")), processor);
        }
        ModelDefaults defaults;
        try {
            defaults = ModelDefaults.read(path);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(e.getMessage(), e);
        }
        TinyVae tiny = TinyVaeFiles.locate(path, d.family())
                .map(file -> TinyVae.load(counted(SafetensorsWeights.loadAll(file, manager, vaeType), bytes)))
                .orElse(null);
        if (tiny == null && defaults.decodesWithTinyVae()) {
            throw new CheckpointException(ModelDefaults.sidecar(path) + " asks for vae: taesd, but no tiny VAE is"
                    + " installed in " + path.toAbsolutePath().resolveSibling(TinyVaeFiles.folderName(d.family())));
        }
        DiffusionModel model = new DiffusionModel(d.family(), unet, vae, text, d.scheduler(), safety, tiny, defaults);
        return new ModelCache.Loaded(model, bytes[0]);
    }

    /** Frees the weights a merge replaced: they were loaded for this model alone. */
    private static void closeReplaced(Weights before, Weights after) {
        for (String key : before.keys()) {
            if (before.get(key) != after.get(key)) {
                before.get(key).close();
            }
        }
    }

    /** One CLIP encoder (its weights {@code textWeights}), or SDXL's two with encoder 2's text projection. */
    private static TextConditioner textConditioner(ModelFiles files, ModelDescription d, Weights textWeights,
                                                   Weights text2Weights, long[] bytes, DataType computeType) {
        ClipTextModel text = ClipTextModel.load(counted(textWeights.castTo(computeType), bytes), d.textEncoder());
        if (d.textEncoder2() == null) {
            return new ClipConditioner(files.tokenizer(), text);
        }
        Weights second = counted(text2Weights, bytes);
        return new SdxlConditioner(files.tokenizer(), text, files.tokenizer2().orElseThrow(),
                // the projection reads the fp32 output of the encoder, so it stays fp32
                ClipTextModel.load(second.castTo(computeType), d.textEncoder2()), Linear.load(second, "text_projection"),
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
