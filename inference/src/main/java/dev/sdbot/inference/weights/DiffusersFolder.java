package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.sdbot.inference.clip.ClipActivation;
import dev.sdbot.inference.clip.TextEncoderConfig;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.model.ModelFamily;
import dev.sdbot.inference.model.SchedulerConfig;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.model.VaeConfig;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.text.ClipTokenizer;
import dev.sdbot.inference.text.TokenizerException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/** A diffusers pipeline folder: {@code unet/}, {@code vae/}, {@code text_encoder/}, {@code tokenizer/}, ... */
final class DiffusersFolder implements ModelFiles {
    private final Path dir;
    private final ClipTokenizer tokenizer;
    private final ModelDescription description;

    private DiffusersFolder(Path dir, ClipTokenizer tokenizer, ModelDescription description) {
        this.dir = dir;
        this.tokenizer = tokenizer;
        this.description = description;
    }

    static DiffusersFolder open(Path dir) {
        for (String component : new String[]{"unet", "vae", "text_encoder"}) {
            weightsFile(dir, component);
        }
        ClipTokenizer tokenizer;
        try {
            tokenizer = ClipTokenizer.load(dir.resolve("tokenizer"));
        } catch (TokenizerException e) {
            throw new CheckpointException("unusable tokenizer in " + dir + ": " + e.getMessage(), e);
        }
        TextEncoderConfig text = TextEncoderConfig.fromJson(existing(dir, "text_encoder/config.json"));
        // OpenCLIP (SD 2.x) uses exact GELU, OpenAI's CLIP (SD 1.x) quick_gelu.
        ModelFamily family = text.activation() == ClipActivation.GELU ? ModelFamily.SD2 : ModelFamily.SD1;
        Path schedulerConfig = dir.resolve("scheduler/scheduler_config.json");
        ModelDescription description = new ModelDescription(family,
                UNetConfig.fromJson(existing(dir, "unet/config.json")),
                VaeConfig.fromJson(existing(dir, "vae/config.json")),
                text,
                SchedulerConfig.fromJson(Files.isRegularFile(schedulerConfig)
                        ? ConfigJson.read(schedulerConfig) : ConfigJson.of(new JsonObject(), schedulerConfig.toString())));
        return new DiffusersFolder(dir, tokenizer, description);
    }

    @Override
    public Path path() {
        return dir;
    }

    @Override
    public Format format() {
        return Format.DIFFUSERS_FOLDER;
    }

    @Override
    public ModelDescription description() {
        return description;
    }

    @Override
    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    @Override
    public Weights unet(NDManager manager) {
        return load("unet", manager, DiffusersFolder::identity);
    }

    @Override
    public Weights vae(NDManager manager) {
        return load("vae", manager, file -> VaeKeyMap.normalizeFolder(file.keys()));
    }

    @Override
    public Weights textEncoder(NDManager manager) {
        return load("text_encoder", manager, file -> TextEncoderKeyMap.planFolder(file.keys()));
    }

    @Override
    public Optional<Weights> safetyChecker(NDManager manager) {
        if (!ModelFiles.hasSafetyChecker(dir)) {
            return Optional.empty();
        }
        return Optional.of(load("safety_checker", manager, DiffusersFolder::identity));
    }

    @Override
    public void close() {
        // component files are opened and closed per load
    }

    private Weights load(String component, NDManager manager, Function<SafetensorsFile, TensorPlan> plan) {
        try (SafetensorsFile file = SafetensorsFile.open(weightsFile(dir, component))) {
            return plan.apply(file).load(file, manager, dir.getFileName() + "/" + component);
        }
    }

    /** Stored names as they are; integer buffers (such as {@code position_ids}) are skipped, no model reads them. */
    private static TensorPlan identity(SafetensorsFile file) {
        TensorPlan plan = new TensorPlan();
        file.keys().stream().filter(k -> SafetensorsWeights.isFloat(file.info(k).dtype()))
                .forEach(k -> plan.put(k, k));
        return plan;
    }

    /** {@code diffusion_pytorch_model.safetensors} / {@code model.safetensors}, or their fp16 variants. */
    private static Path weightsFile(Path dir, String component) {
        Path folder = dir.resolve(component);
        for (String name : new String[]{"diffusion_pytorch_model.safetensors", "model.safetensors",
                "diffusion_pytorch_model.fp16.safetensors", "model.fp16.safetensors"}) {
            if (Files.isRegularFile(folder.resolve(name))) {
                return folder.resolve(name);
            }
        }
        boolean pickle = Files.isRegularFile(folder.resolve("diffusion_pytorch_model.bin"))
                || Files.isRegularFile(folder.resolve("pytorch_model.bin"));
        throw new CheckpointException("diffusers folder " + dir + " has no " + component + " weights"
                + (pickle ? " in safetensors format (pickle .bin weights are not supported)" : ""));
    }

    private static Path existing(Path dir, String relative) {
        Path file = dir.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("diffusers folder " + dir + " lacks " + relative);
        }
        return file;
    }
}
