package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import dev.sdbot.inference.clip.ClipActivation;
import dev.sdbot.inference.clip.TextEncoderConfig;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.api.ModelFamily;
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
    private final ClipTokenizer tokenizer2;
    private final ModelDescription description;

    private DiffusersFolder(Path dir, ClipTokenizer tokenizer, ClipTokenizer tokenizer2, ModelDescription description) {
        this.dir = dir;
        this.tokenizer = tokenizer;
        this.tokenizer2 = tokenizer2;
        this.description = description;
    }

    static DiffusersFolder open(Path dir) {
        for (String component : new String[]{"unet", "vae", "text_encoder"}) {
            weightsFile(dir, component);
        }
        ClipTokenizer tokenizer = tokenizer(dir, "tokenizer");
        TextEncoderConfig text = TextEncoderConfig.fromJson(existing(dir, "text_encoder/config.json"));
        UNetConfig unet = UNetConfig.fromJson(existing(dir, "unet/config.json"));
        boolean sdxl = unet.textTimeConditioning() || Files.isDirectory(dir.resolve("text_encoder_2"));
        TextEncoderConfig text2 = null;
        ClipTokenizer tokenizer2 = null;
        if (sdxl) {
            // SDXL: both encoders and their tokenizers, and a UNet that takes the pooled embedding
            if (!unet.textTimeConditioning()) {
                throw new CheckpointException("diffusers folder " + dir + " has text_encoder_2/ but its UNet has no "
                        + "addition_embed_type \"text_time\" conditioning");
            }
            weightsFile(dir, "text_encoder_2");
            text2 = TextEncoderConfig.fromJson(existing(dir, "text_encoder_2/config.json"));
            tokenizer2 = tokenizer(dir, "tokenizer_2");
        }
        // OpenCLIP (SD 2.x) uses exact GELU, OpenAI's CLIP (SD 1.x) quick_gelu.
        ModelFamily family = sdxl ? ModelFamily.SDXL
                : text.activation() == ClipActivation.GELU ? ModelFamily.SD2 : ModelFamily.SD1;
        Path schedulerConfig = dir.resolve("scheduler/scheduler_config.json");
        ModelDescription description = new ModelDescription(family, unet,
                VaeConfig.fromJson(existing(dir, "vae/config.json")),
                text, text2,
                SchedulerConfig.fromJson(Files.isRegularFile(schedulerConfig)
                        ? ConfigJson.read(schedulerConfig) : ConfigJson.of(new JsonObject(), schedulerConfig.toString())),
                sdxl && forceZerosForEmptyPrompt(dir));
        return new DiffusersFolder(dir, tokenizer, tokenizer2, description);
    }

    /** model_index.json's {@code force_zeros_for_empty_prompt}; diffusers' SDXL pipeline defaults to true. */
    private static boolean forceZerosForEmptyPrompt(Path dir) {
        Path index = dir.resolve("model_index.json");
        return !Files.isRegularFile(index) || ConfigJson.read(index).getBoolean("force_zeros_for_empty_prompt", true);
    }

    private static ClipTokenizer tokenizer(Path dir, String component) {
        try {
            return ClipTokenizer.load(dir.resolve(component));
        } catch (TokenizerException e) {
            throw new CheckpointException("unusable " + component + " in " + dir + ": " + e.getMessage(), e);
        }
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
    public Optional<ClipTokenizer> tokenizer2() {
        return Optional.ofNullable(tokenizer2);
    }

    @Override
    public Optional<Weights> textEncoder2(NDManager manager) {
        if (tokenizer2 == null) {
            return Optional.empty();
        }
        return Optional.of(load("text_encoder_2", manager, file -> TextEncoderKeyMap.planFolder(file.keys())));
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

    /**
     * {@code diffusion_pytorch_model.safetensors} / {@code model.safetensors}, their fp16 variants, else the pickled
     * {@code .bin} (read safely, see {@link PickledWeights}).
     */
    private static Path weightsFile(Path dir, String component) {
        Path folder = dir.resolve(component);
        for (String name : new String[]{"diffusion_pytorch_model.safetensors", "model.safetensors",
                "diffusion_pytorch_model.fp16.safetensors", "model.fp16.safetensors", "diffusion_pytorch_model.bin",
                "pytorch_model.bin"}) {
            if (Files.isRegularFile(folder.resolve(name))) {
                return folder.resolve(name);
            }
        }
        throw new CheckpointException("diffusers folder " + dir + " has no " + component + " weights");
    }

    private static Path existing(Path dir, String relative) {
        Path file = dir.resolve(relative);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("diffusers folder " + dir + " lacks " + relative);
        }
        return file;
    }
}
