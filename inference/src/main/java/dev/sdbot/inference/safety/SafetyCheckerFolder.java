package dev.sdbot.inference.safety;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.api.SafetyCheckerLocation;
import dev.sdbot.inference.clip.ClipImageProcessor;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A safety checker on disk, checked without loading its weights. Two layouts: a checker folder of its own
 * ({@code config.json}, {@code model.safetensors}, optionally {@code preprocessor_config.json}: the layout of
 * CompVis/stable-diffusion-safety-checker), or a diffusers pipeline folder, whose {@code safety_checker/} and
 * {@code feature_extractor/} are used. Without a preprocessor config, OpenAI CLIP's standard preprocessing applies
 * (what every SD checker's feature extractor uses).
 *
 * @param checkerDir         the folder holding {@code config.json} and the weights
 * @param weightsFile        {@code model.safetensors} or {@code model.fp16.safetensors}
 * @param preprocessorConfig the feature extractor's {@code preprocessor_config.json}, or null
 */
public record SafetyCheckerFolder(Path checkerDir, Path weightsFile, Path preprocessorConfig) {
    /** The shared checker's folder name inside the models directory ({@link SafetyCheckerLocation}). */
    public static final String SHARED_NAME = SafetyCheckerLocation.SHARED_FOLDER;
    private static final List<String> REQUIRED_TENSORS = List.of("visual_projection.weight", "concept_embeds",
            "concept_embeds_weights", "special_care_embeds", "special_care_embeds_weights");

    /**
     * Validates a checker folder (either layout): config, weights header and preprocessing must all be usable.
     *
     * @throws CheckpointException naming what is missing or wrong
     */
    public static SafetyCheckerFolder open(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new CheckpointException("safety checker " + dir + ": " + (Files.exists(dir) ? "not a directory" : "no such directory"));
        }
        Path checker = dir;
        Path preprocessor = dir.resolve("preprocessor_config.json");
        if (Files.isDirectory(dir.resolve("safety_checker"))) {
            checker = dir.resolve("safety_checker");
            preprocessor = dir.resolve("feature_extractor/preprocessor_config.json");
        }
        Path config = checker.resolve("config.json");
        if (!Files.isRegularFile(config)) {
            throw new CheckpointException("safety checker " + dir + ": no config.json (expected a CompVis safety checker in"
                    + " diffusers layout: config.json, model.safetensors and preprocessor_config.json)");
        }
        SafetyCheckerConfig parsed = SafetyCheckerConfig.fromJson(config);
        SafetyCheckerFolder folder = new SafetyCheckerFolder(checker, weightsFile(checker),
                Files.isRegularFile(preprocessor) ? preprocessor : null);
        SafetyChecker.checkFits(parsed, folder.processor());
        try (SafetensorsFile weights = SafetensorsFile.open(folder.weightsFile())) {
            Set<String> keys = weights.keys();
            List<String> missing = REQUIRED_TENSORS.stream().filter(k -> !keys.contains(k)).toList();
            if (!missing.isEmpty() || keys.stream().noneMatch(k -> k.startsWith("vision_model."))) {
                throw new CheckpointException("safety checker " + folder.weightsFile() + " is not a StableDiffusionSafetyChecker:"
                        + " it lacks " + (missing.isEmpty() ? "the vision_model.* weights" : missing));
            }
        }
        return folder;
    }

    /** {@code <modelsDir>/safety-checker} validated, when that folder exists. */
    public static Optional<SafetyCheckerFolder> shared(Path modelsDir) {
        Path dir = SafetyCheckerLocation.sharedIn(modelsDir);
        return Files.exists(dir) ? Optional.of(open(dir)) : Optional.empty();
    }

    /**
     * The weights of a checker folder: {@code model.safetensors}, else {@code model.fp16.safetensors}, else the
     * pickled {@code pytorch_model.bin} (read safely).
     */
    static Path weightsFile(Path checkerDir) {
        for (String name : new String[]{"model.safetensors", "model.fp16.safetensors", "pytorch_model.bin"}) {
            Path file = checkerDir.resolve(name);
            if (Files.isRegularFile(file)) {
                return file;
            }
        }
        throw new CheckpointException("safety checker weights not found: " + checkerDir
                + " has no model.safetensors or pytorch_model.bin");
    }

    public ClipImageProcessor processor() {
        return preprocessorConfig == null ? ClipImageProcessor.standard() : ClipImageProcessor.fromJson(preprocessorConfig);
    }

    /** Loads the checker in float32 into {@code manager}, which must outlive it. */
    public SafetyChecker load(NDManager manager) {
        return SafetyChecker.load(checkerDir, processor(), manager);
    }
}
