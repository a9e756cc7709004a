package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.model.ModelFamily;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.text.ClipTokenizer;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An original-format (CompVis/A1111) {@code .safetensors} checkpoint: {@code model.diffusion_model.*},
 * {@code first_stage_model.*} and {@code cond_stage_model.*} in one file, mapped onto diffusers names.
 */
final class SingleFileCheckpoint implements ModelFiles {
    private final SafetensorsFile file;
    private final ModelFamily family;
    private final TensorPlan unet;
    private final TensorPlan vae;
    private final TensorPlan textEncoder;
    private ModelDescription description;
    private ClipTokenizer tokenizer;

    private SingleFileCheckpoint(SafetensorsFile file, ModelFamily family, TensorPlan unet, TensorPlan vae,
                                 TensorPlan textEncoder) {
        this.file = file;
        this.family = family;
        this.unet = unet;
        this.vae = vae;
        this.textEncoder = textEncoder;
    }

    static SingleFileCheckpoint open(Path path) {
        SafetensorsFile file = SafetensorsFile.open(path);
        try {
            Set<String> keys = file.keys();
            rejectUnknown(keys, path);
            Set<String> sd2Text = under(keys, TextEncoderKeyMap.SD2_PREFIX);
            Set<String> sd1Text = under(keys, TextEncoderKeyMap.SD1_PREFIX);
            ModelFamily family;
            TensorPlan text;
            if (!sd2Text.isEmpty()) {
                family = ModelFamily.SD2;
                text = TextEncoderKeyMap.planOpenClip(sd2Text);
            } else if (!sd1Text.isEmpty()) {
                family = ModelFamily.SD1;
                text = TextEncoderKeyMap.planSd1(sd1Text);
            } else {
                throw new CheckpointException("checkpoint " + path + " has no text encoder (cond_stage_model.*)");
            }
            Set<String> vaeKeys = under(keys, VaeKeyMap.PREFIX);
            if (vaeKeys.isEmpty()) {
                throw new CheckpointException("checkpoint " + path + " has no VAE (first_stage_model.*)");
            }
            return new SingleFileCheckpoint(file, family, UNetKeyMap.plan(under(keys, UNetKeyMap.PREFIX)),
                    VaeKeyMap.plan(vaeKeys), text);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /** Fails with "unknown architecture" for anything that is not an SD 1.x/2.x checkpoint. */
    private static void rejectUnknown(Set<String> keys, Path path) {
        if (keys.stream().anyMatch(k -> k.startsWith("conditioner.embedders."))) {
            throw new CheckpointException("unknown architecture: " + path
                    + " looks like SDXL (conditioner.embedders.*), which is not supported");
        }
        if (!keys.contains(UNetKeyMap.PREFIX + "input_blocks.0.0.weight")) {
            String hint = keys.stream().anyMatch(k -> k.startsWith("lora_")) ? " (it looks like a LoRA)"
                    : keys.contains("conv_in.weight") ? " (it looks like a lone diffusers component)" : "";
            throw new CheckpointException("unknown architecture: " + path
                    + " is not a Stable Diffusion checkpoint: no UNet (model.diffusion_model.*)" + hint);
        }
    }

    private static Set<String> under(Set<String> keys, String prefix) {
        Set<String> result = new TreeSet<>();
        for (String key : keys) {
            if (key.startsWith(prefix)) {
                result.add(key.substring(prefix.length()));
            }
        }
        return result;
    }

    @Override
    public Path path() {
        return file.path();
    }

    @Override
    public Format format() {
        return Format.SINGLE_FILE;
    }

    /** Inferred from the weight shapes, then overridden by a {@code <name>.json} sidecar if there is one. */
    @Override
    public synchronized ModelDescription description() {
        if (description == null) {
            description = InferredConfigs.describe(file, family, unet, vae, textEncoder);
        }
        return description;
    }

    @Override
    public synchronized ClipTokenizer tokenizer() {
        if (tokenizer == null) {
            // OpenCLIP's tokenizer (SD 2.x) pads with "!" (id 0), OpenAI's with end-of-text.
            tokenizer = ClipTokenizer.bundled(family == ModelFamily.SD2 ? 0 : 49407);
        }
        return tokenizer;
    }

    @Override
    public Weights unet(NDManager manager) {
        return unet.load(file, manager, file.path().getFileName() + "/unet");
    }

    @Override
    public Weights vae(NDManager manager) {
        return vae.load(file, manager, file.path().getFileName() + "/vae");
    }

    @Override
    public Weights textEncoder(NDManager manager) {
        return textEncoder.load(file, manager, file.path().getFileName() + "/text_encoder");
    }

    @Override
    public Optional<Weights> safetyChecker(NDManager manager) {
        return Optional.empty();
    }

    @Override
    public void close() {
        file.close();
    }
}
