package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sdbot.inference.clip.ClipImageProcessor;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.clip.TextEncoderConfig;
import dev.sdbot.inference.model.SchedulerConfig;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.model.VaeConfig;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.safety.SafetyChecker;
import dev.sdbot.inference.selftest.SamplerChecks;
import dev.sdbot.inference.text.ClipTokenizer;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.vae.Vae;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.SafetensorsWeights;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds a {@link DiffusionModel} from a diffusers folder, weights in float32 in the given manager. */
public final class ModelLoader {
    private ModelLoader() {
    }

    static ModelCache.Loaded load(Path path, NDManager manager) {
        if (!Files.isDirectory(path)) {
            throw new CheckpointException("single-file checkpoints are not supported yet: " + path);
        }
        long[] bytes = new long[1];
        DiffusionModel model = loadFolder(path, path.resolve("unet"), manager, bytes);
        return new ModelCache.Loaded(model, bytes[0]);
    }

    /**
     * @param dir     diffusers folder (vae/, text_encoder/, tokenizer/, scheduler/, optional safety_checker/)
     * @param unetDir the UNet folder, normally {@code dir/unet}
     */
    public static DiffusionModel loadFolder(Path dir, Path unetDir, NDManager manager) {
        return loadFolder(dir, unetDir, manager, new long[1]);
    }

    private static DiffusionModel loadFolder(Path dir, Path unetDir, NDManager manager, long[] bytes) {
        Weights unetWeights = weights(unetDir.resolve("diffusion_pytorch_model.safetensors"), manager, bytes);
        Weights vaeWeights = weights(dir.resolve("vae/diffusion_pytorch_model.safetensors"), manager, bytes);
        Weights textWeights = weights(dir.resolve("text_encoder/model.safetensors"), manager, bytes);
        UNet unet = UNet.load(unetWeights, UNetConfig.fromJson(unetDir.resolve("config.json")));
        Vae vae = Vae.load(vaeWeights, VaeConfig.fromJson(dir.resolve("vae/config.json")));
        ClipTextModel text = ClipTextModel.load(textWeights,
                TextEncoderConfig.fromJson(dir.resolve("text_encoder/config.json")));
        ClipTokenizer tokenizer = ClipTokenizer.load(dir.resolve("tokenizer"));
        SafetyChecker safety = null;
        Path safetyDir = dir.resolve("safety_checker");
        Path featureExtractor = dir.resolve("feature_extractor/preprocessor_config.json");
        if (Files.isRegularFile(safetyDir.resolve("model.safetensors"))) {
            ClipImageProcessor processor = Files.isRegularFile(featureExtractor)
                    ? ClipImageProcessor.fromJson(featureExtractor) : ClipImageProcessor.standard();
            safety = SafetyChecker.load(safetyDir, processor, manager);
        }
        return new DiffusionModel(unet, vae, text, tokenizer, schedulerConfig(dir), safety);
    }

    private static Weights weights(Path file, NDManager manager, long[] bytes) {
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("weights not found: " + file);
        }
        Weights w = SafetensorsWeights.loadAll(file, manager, DataType.FLOAT32);
        for (String key : w.keys()) {
            NDArray a = w.get(key);
            bytes[0] += a.size() * a.getDataType().getNumOfBytes();
        }
        return w;
    }

    private static SchedulerConfig schedulerConfig(Path dir) {
        Path file = dir.resolve("scheduler/scheduler_config.json");
        if (!Files.isRegularFile(file)) {
            return SchedulerConfig.stableDiffusion(SchedulerConfig.EPSILON);
        }
        try {
            JsonObject json = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
            return SamplerChecks.schedulerConfig(json);
        } catch (IOException | RuntimeException e) {
            throw new CheckpointException("unreadable scheduler config " + file + ": " + e.getMessage(), e);
        }
    }
}
