package dev.sdbot.inference.weights;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.text.ClipTokenizer;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An original-format (CompVis/A1111) {@code .safetensors} checkpoint: {@code model.diffusion_model.*},
 * {@code first_stage_model.*} and {@code cond_stage_model.*} in one file, mapped onto diffusers names. SDXL
 * (Stability's generative-models layout) keeps its two text encoders under {@code conditioner.embedders.0/1}
 * and is recognised by them or by the UNet's {@code label_emb}, never by the file name.
 */
final class SingleFileCheckpoint implements ModelFiles {
    private final SafetensorsFile file;
    private final ModelFamily family;
    private final TensorPlan unet;
    private final TensorPlan vae;
    private final TensorPlan textEncoder;
    private final TensorPlan textEncoder2;
    private ModelDescription description;
    private ClipTokenizer tokenizer;
    private ClipTokenizer tokenizer2;

    private SingleFileCheckpoint(SafetensorsFile file, ModelFamily family, TensorPlan unet, TensorPlan vae,
                                 TensorPlan textEncoder, TensorPlan textEncoder2) {
        this.file = file;
        this.family = family;
        this.unet = unet;
        this.vae = vae;
        this.textEncoder = textEncoder;
        this.textEncoder2 = textEncoder2;
    }

    static SingleFileCheckpoint open(Path path) {
        SafetensorsFile file = SafetensorsFile.open(path);
        try {
            Set<String> keys = file.keys();
            rejectUnknown(keys, path);
            if (isSdxl(keys)) {
                TensorPlan clipL = TextEncoderKeyMap.planHf(sdxlEncoder(keys, TextEncoderKeyMap.SDXL_CLIP_L_PREFIX,
                        "CLIP ViT-L text encoder", path), TextEncoderKeyMap.SDXL_CLIP_L_PREFIX);
                TensorPlan bigG = TextEncoderKeyMap.planOpenClip(sdxlEncoder(keys, TextEncoderKeyMap.SDXL_BIG_G_PREFIX,
                        "OpenCLIP bigG text encoder", path), TextEncoderKeyMap.SDXL_BIG_G_PREFIX, true);
                return new SingleFileCheckpoint(file, ModelFamily.SDXL, UNetKeyMap.plan(under(keys, UNetKeyMap.PREFIX)),
                        vae(keys, path), clipL, bigG);
            }
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
            TensorPlan vae = vae(keys, path);
            return new SingleFileCheckpoint(file, family, UNetKeyMap.plan(under(keys, UNetKeyMap.PREFIX)), vae, text,
                    null);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    private static TensorPlan vae(Set<String> keys, Path path) {
        Set<String> vaeKeys = under(keys, VaeKeyMap.PREFIX);
        if (vaeKeys.isEmpty()) {
            throw new CheckpointException("checkpoint " + path + " has no VAE (first_stage_model.*)");
        }
        return VaeKeyMap.plan(vaeKeys);
    }

    /** SDXL: a second (OpenCLIP) embedder or the UNet's added-conditioning MLP; layer counts play no part. */
    private static boolean isSdxl(Set<String> keys) {
        return keys.contains(UNetKeyMap.PREFIX + "label_emb.0.0.weight")
                || keys.stream().anyMatch(k -> k.startsWith("conditioner.embedders."));
    }

    /** One SDXL text encoder's keys (prefix removed); a file that lacks it fails naming what is missing. */
    private static Set<String> sdxlEncoder(Set<String> keys, String prefix, String what, Path path) {
        Set<String> found = under(keys, prefix);
        if (found.isEmpty()) {
            throw new CheckpointException("SDXL checkpoint " + path + " is incomplete: it lacks the " + what
                    + " (" + prefix + "*)");
        }
        return found;
    }

    /** Fails with "unknown architecture" for anything that is not an SD 1.x/2.x/XL checkpoint. */
    private static void rejectUnknown(Set<String> keys, Path path) {
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
            description = InferredConfigs.describe(file, family, unet, vae, textEncoder, textEncoder2);
        }
        return description;
    }

    @Override
    public synchronized ClipTokenizer tokenizer() {
        if (tokenizer == null) {
            // OpenCLIP's tokenizer (SD 2.x) pads with "!" (id 0), OpenAI's (SD 1.x, SDXL's first) with end-of-text.
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
    public synchronized Optional<ClipTokenizer> tokenizer2() {
        if (textEncoder2 == null) {
            return Optional.empty();
        }
        if (tokenizer2 == null) {
            tokenizer2 = ClipTokenizer.bundled(0); // SDXL's second tokenizer is OpenCLIP's: pads with "!" (id 0)
        }
        return Optional.of(tokenizer2);
    }

    @Override
    public Optional<Weights> textEncoder2(NDManager manager) {
        return textEncoder2 == null ? Optional.empty()
                : Optional.of(textEncoder2.load(file, manager, file.path().getFileName() + "/text_encoder_2"));
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
