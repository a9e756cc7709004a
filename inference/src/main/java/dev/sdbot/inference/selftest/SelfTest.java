package dev.sdbot.inference.selftest;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.pipeline.Precision;
import dev.sdbot.inference.weights.CheckpointLoader;
import dev.sdbot.inference.weights.ModelFiles;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * Every parity check for one model of a fixture directory: {@code DIR/NAME-reference/reference.safetensors}
 * against the diffusers folder {@code DIR/NAME/}, the single file {@code DIR/NAME.safetensors} (built with the
 * folder's configs when the folder exists, as diffusers' {@code from_single_file(config=...)}: tiny models'
 * head counts are not visible in the weights), the 9-channel UNet {@code DIR/NAME-inpainting/unet/} and the
 * LoRA {@code DIR/NAME-lora.safetensors} (SDXL: with {@code DIR/NAME-lora-reference.safetensors}, bundled for
 * mini-sdxl; see {@link SdxlLoraChecks}). A check whose inputs (files or reference tensors) do not exist is
 * skipped with the reason. Nothing here knows a fixture's sizes: they come from configs and weights.
 */
public final class SelfTest {

    /** The outcome of a run: the checks that ran, in order, and the groups skipped with why. */
    public record Report(List<CheckResult> results, List<String> skipped) {
        public long passed() {
            return results.stream().filter(CheckResult::passed).count();
        }

        public long failed() {
            return results.size() - passed();
        }
    }

    /** One group of checks as it runs, for callers that print as they go. */
    public interface Listener {
        void onResult(CheckResult result);

        void onSkip(String reason);
    }

    private final Path dir;
    private final String name;
    private final Listener listener;
    private final Device device;
    private final Precision precision;
    private final GroupFilter filter;
    private final List<CheckResult> results = new ArrayList<>();
    private final List<String> skipped = new ArrayList<>();

    private SelfTest(Path dir, String name, Listener listener, Device device, Precision precision, GroupFilter filter) {
        this.dir = dir;
        this.filter = filter;
        this.name = name;
        this.listener = listener;
        this.device = device;
        this.precision = precision;
    }

    public static Report run(Path dir, String name) {
        return run(dir, name, null);
    }

    /**
     * @throws IllegalArgumentException when {@code DIR/NAME-reference/reference.safetensors} or both the folder
     *                                  and the single file are missing
     */
    public static Report run(Path dir, String name, Listener listener) {
        return run(dir, name, listener, Device.cpu(), Precision.AUTO);
    }

    /**
     * As {@link #run(Path, String, Listener)}, plus the half-precision parity group on {@code device}: fp16 (the
     * tiny fixtures run it even on the CPU, where a worker refuses fp16 for speed), bf16 skipped with the reason,
     * none for {@code --precision fp32}.
     */
    public static Report run(Path dir, String name, Listener listener, Device device, Precision precision) {
        return run(dir, name, listener, device, precision, GroupFilter.ALL);
    }

    /** As {@link #run(Path, String, Listener, Device, Precision)}, running only the groups {@code filter} selects. */
    public static Report run(Path dir, String name, Listener listener, Device device, Precision precision,
                             GroupFilter filter) {
        SelfTest t = new SelfTest(dir, name, listener, device, precision, filter);
        t.runAll();
        return new Report(List.copyOf(t.results), List.copyOf(t.skipped));
    }

    private void runAll() {
        Path reference = dir.resolve(name + "-reference").resolve("reference.safetensors");
        Path folder = dir.resolve(name);
        Path single = dir.resolve(name + ".safetensors");
        if (!Files.isRegularFile(reference)) {
            throw new IllegalArgumentException("no reference outputs: " + reference + " does not exist");
        }
        boolean hasFolder = Files.isDirectory(folder);
        boolean hasSingle = Files.isRegularFile(single);
        if (!hasFolder && !hasSingle) {
            throw new IllegalArgumentException("no model to check: neither " + folder + " nor " + single + " exists");
        }
        Set<String> keys;
        Set<String> metadata;
        try (SafetensorsFile ref = SafetensorsFile.open(reference)) {
            keys = new TreeSet<>(ref.keys());
            metadata = new TreeSet<>(ref.metadata().keySet());
        }
        int[] clipSkips = clipSkips(keys);
        if (isSdxl(hasFolder ? folder : single)) {
            runSdxl(folder, single, hasFolder, hasSingle, reference, keys);
            return;
        }

        if (hasFolder) {
            group("tokenizer (folder)", keys.contains("tokenizer.ids") && metadata.contains("tokenizer.prompts"),
                    "no tokenizer.ids", () -> {
                        try (ModelFiles files = CheckpointLoader.open(folder)) {
                            return TokenizerChecks.run(name + " (folder)", files.tokenizer(), reference);
                        }
                    });
            group("text encoder (folder)", clipSkips.length > 0, "no text.hidden",
                    () -> ClipChecks.textEncoder(dir, name, name, clipSkips));
            group("unet (folder)", keys.contains("unet.out"), "no unet.out",
                    () -> List.of(UNetChecks.unet("unet.out (folder)", folder, reference)));
            group("vae (folder)", keys.contains("vae.decode.out"), "no vae.decode.out",
                    () -> VaeChecks.vae("(folder)", folder, reference));
        } else {
            skip("folder checks: " + folder + " does not exist");
        }
        if (hasSingle) {
            String configs = hasFolder ? name : name + ".safetensors";
            group("text encoder (single file)", clipSkips.length > 0, "no text.hidden",
                    () -> ClipChecks.textEncoder(dir, name + ".safetensors", configs, clipSkips));
            group("unet (single file)", keys.contains("unet.out"), "no unet.out", () -> singleFile(folder, single,
                    hasFolder, (files, d) -> List.of(UNetChecks.unet("unet.out (single file)", files::unet, d.unet(),
                            reference))));
            group("vae (single file)", keys.contains("vae.decode.out"), "no vae.decode.out", () -> singleFile(folder,
                    single, hasFolder, (files, d) -> VaeChecks.vae("(single file)", files::vae, d.vae(), reference)));
            group("single file = folder weights", hasFolder, "no folder to compare with", () -> {
                try (ModelFiles a = CheckpointLoader.open(single); ModelFiles b = CheckpointLoader.open(folder)) {
                    return CheckpointChecks.sameWeights("weights (single file = folder)", a, b);
                }
            });
        } else {
            skip("single-file checks: " + single + " does not exist");
        }
        group("samplers", metadata.contains("sched.configs"), "no sched.configs",
                () -> SamplerChecks.run(reference));
        group("samplers (k-diffusion, A1111 DDIM/PLMS, UniPC, LCM, SGM Uniform and trailing references)", true, "", SamplerChecks::runBundled);
        group("attention (libtorch fused kernel = plain)", true, "", AttentionChecks::run);
        group("upscalers (ESRGAN RRDBNet and SRVGGNetCompact references)", true, "", UpscalerChecks::runBundled);
        group("controlnet (mini SD 1.x ControlNet references)", hasFolder && Files.isDirectory(folder.resolve("unet"))
                        && name.equals("mini-sd15"), "needs the mini-sd15 folder the ControlNet was made from",
                () -> ControlNetChecks.runBundled(folder));
        group("image conversion", keys.contains("txt2img.0.image"), "no txt2img.0.image",
                () -> ImageChecks.run(dir, name));
        group("txt2img", hasFolder && metadata.contains("txt2img.cases"), "needs the folder and txt2img.cases",
                () -> PipelineChecks.txt2img(dir, name));
        group("img2img", hasFolder && metadata.contains("img2img.case"), "needs the folder and img2img.case",
                () -> PipelineChecks.img2img(dir, name));
        group("inpaint4", hasFolder && keys.contains("inpaint4.latents"), "needs the folder and inpaint4.*",
                () -> PipelineChecks.inpaint(dir, name, false));
        Path inpaintUnet = dir.resolve(name + "-inpainting").resolve("unet");
        group("inpaint9", hasFolder && Files.isDirectory(inpaintUnet) && keys.contains("inpaint9.latents"),
                "needs " + inpaintUnet + " and inpaint9.*", () -> PipelineChecks.inpaint(dir, name, true));
        group("safety checker", hasFolder && Files.isDirectory(folder.resolve("safety_checker"))
                        && keys.contains("safety.image_embeds"), "needs " + folder.resolve("safety_checker") + " and safety.*",
                () -> SafetyChecks.run(dir, name));
        halfPrecision(folder, reference, hasFolder && keys.contains("unet.out") && keys.contains("text.hidden"));
        Path lora = dir.resolve(name + "-lora.safetensors");
        group("lora", hasFolder && Files.isRegularFile(lora) && keys.contains("lora.unet.out"),
                "needs " + lora + " and lora.*", () -> LoraChecks.run(dir, name));
        group("lora from prompt", hasFolder && Files.isRegularFile(lora) && keys.contains("lora.unet.out"),
                "needs " + lora + " and lora.*", () -> LoraPromptChecks.run(dir, name));
        group("vae tiling", hasFolder, "needs the folder", () -> VaeTilingChecks.run(dir, name, TILED_DECODE_SIZE));
    }

    /** Side of the tiled-decode check: 2x2 tiles of the default 512 px, the last ones uneven (256 px). */
    static final int TILED_DECODE_SIZE = 768;

    private void halfPrecision(Path folder, Path reference, boolean applicable) {
        if (precision == Precision.FP32) {
            skip("half precision: --precision fp32");
            return;
        }
        if (precision == Precision.BF16 || precision == Precision.AUTO) {
            try {
                Precision.BF16.computeType(device);
            } catch (IllegalArgumentException e) {
                skip("bf16 parity: " + e.getMessage());
            }
        }
        if (precision != Precision.BF16) {
            group("fp16 parity on " + device, applicable, "needs the folder, unet.out and text.hidden",
                    () -> PrecisionChecks.run(name, folder, reference, device, DataType.FLOAT16));
        }
    }

    /**
     * SDXL: tokenizers, both encoders, pooled output and context, the UNet with added conditioning, the VAE and the
     * txt2img cases, each for the folder and for the single file (with the folder's configs), and the two must load
     * to identical tensors.
     */
    private void runSdxl(Path folder, Path single, boolean hasFolder, boolean hasSingle, Path reference,
                         Set<String> keys) {
        List<String> sources = new ArrayList<>();
        if (hasFolder) {
            sources.add("folder");
        } else {
            skip("folder checks: " + folder + " does not exist");
        }
        if (hasSingle) {
            sources.add("single file");
        } else {
            skip("single-file checks: " + single + " does not exist");
        }
        for (String source : sources) {
            Path path = source.equals("folder") ? folder : single;
            String label = name + " (" + source + ")";
            group("tokenizers (" + source + ")", keys.contains("tokenizer_2.ids"), "no tokenizer_2.ids",
                    () -> singleFile(folder, path, hasFolder, (files, d) -> SdxlChecks.tokenizers(label, files, reference)));
            group("text encoders (" + source + ")", keys.contains("text_2.pooled"), "no text_2.pooled",
                    () -> singleFile(folder, path, hasFolder, (files, d) -> SdxlChecks.textEncoders(label, files, d,
                            reference)));
            group("unet (" + source + ")", keys.contains("unet.in.time_ids"), "no unet.in.time_ids",
                    () -> singleFile(folder, path, hasFolder, (files, d) -> List.of(SdxlChecks.unet(label, files, d,
                            reference))));
            group("vae (" + source + ")", keys.contains("vae.decode.out"), "no vae.decode.out",
                    () -> singleFile(folder, path, hasFolder, (files, d) -> VaeChecks.vae("(" + source + ")",
                            files::vae, d.vae(), reference)));
            group("txt2img (" + source + ")", keys.contains("txt2img.0.latents"), "no txt2img.0.latents",
                    () -> singleFile(folder, path, hasFolder, (files, d) -> SdxlChecks.txt2img(label, files, d,
                            reference)));
        }
        group("single file = folder weights", hasFolder && hasSingle, "needs both the folder and the single file", () -> {
            try (ModelFiles a = CheckpointLoader.open(single); ModelFiles b = CheckpointLoader.open(folder)) {
                return CheckpointChecks.sameWeights("weights (single file = folder)", a, b);
            }
        });
        group("sdxl controlnet (mini SDXL ControlNet references)", hasFolder && name.equals("mini-sdxl"),
                "needs the mini-sdxl folder the ControlNet was made from",
                () -> SdxlControlNetChecks.runBundled(folder));
        sdxlLora(folder, hasFolder, sources, reference, keys);
    }

    /** The SDXL LoRA ({@link SdxlLoraChecks}) merged into each source and asked for from a prompt. */
    private void sdxlLora(Path folder, boolean hasFolder, List<String> sources, Path reference, Set<String> keys) {
        Optional<SdxlLoraChecks.LoraFixture> lora = SdxlLoraChecks.fixture(dir, name);
        if (lora.isEmpty() || !keys.contains("unet.in.time_ids")) {
            skip("sdxl lora: needs " + dir.resolve(name + "-lora.safetensors") + ", "
                    + dir.resolve(name + "-lora-reference.safetensors") + " and unet.in.*");
            return;
        }
        try (SdxlLoraChecks.LoraFixture files = lora.get()) {
            for (String source : sources) {
                Path path = source.equals("folder") ? folder : dir.resolve(name + ".safetensors");
                group("sdxl lora (" + source + ")", true, "", () -> singleFile(folder, path, hasFolder,
                        (f, d) -> SdxlLoraChecks.run(name + " (" + source + ")", f, d, files, reference)));
            }
            group("sdxl lora from prompt", hasFolder, "needs the folder",
                    () -> SdxlLoraChecks.fromPrompt(folder, name, files, reference));
        }
    }

    /** Judged from the weights: a second text encoder (a tiny single file's head counts need the folder's configs). */
    private static boolean isSdxl(Path checkpoint) {
        try (ModelFiles files = CheckpointLoader.open(checkpoint)) {
            return files.tokenizer2().isPresent();
        } catch (RuntimeException e) {
            return false; // the checks themselves report why it does not load
        }
    }

    private interface SingleFileCheck {
        List<CheckResult> run(ModelFiles files, ModelDescription description);
    }

    /** The single file's weights with the folder's configs when there is a folder, else its own. */
    private static List<CheckResult> singleFile(Path folder, Path single, boolean hasFolder, SingleFileCheck check) {
        try (ModelFiles files = CheckpointLoader.open(single)) {
            if (!hasFolder) {
                return check.run(files, files.description());
            }
            try (ModelFiles configs = CheckpointLoader.open(folder)) {
                return check.run(files, configs.description());
            }
        }
    }

    /** {@code text.hidden} is clip skip 1, {@code text.hidden_skipN} clip skip N. */
    private static int[] clipSkips(Set<String> keys) {
        List<Integer> skips = new ArrayList<>();
        if (keys.contains("text.hidden")) {
            skips.add(1);
        }
        for (String key : keys) {
            if (key.matches("text\\.hidden_skip\\d+")) {
                skips.add(Integer.parseInt(key.substring("text.hidden_skip".length())));
            }
        }
        return skips.stream().mapToInt(Integer::intValue).toArray();
    }

    /** Runs a group when its inputs exist; an exception becomes one failed check, so one bad part does not hide the rest. */
    private void group(String group, boolean applicable, String why, Supplier<List<CheckResult>> checks) {
        if (filter.unselected(group)) {
            return;
        }
        Optional<String> excluded = filter.exclusion(group);
        if (excluded.isPresent()) {
            skip(group + ": " + excluded.get());
            return;
        }
        if (!applicable) {
            skip(group + ": " + why);
            return;
        }
        List<CheckResult> out;
        try {
            out = checks.get();
        } catch (RuntimeException e) {
            out = List.of(new CheckResult(group + " (error: " + e.getMessage() + ")", Double.NaN, 0, false));
        }
        for (CheckResult r : out) {
            results.add(r);
            if (listener != null) {
                listener.onResult(r);
            }
        }
    }

    private void skip(String reason) {
        if (filter.unselected(reason)) {
            return;
        }
        skipped.add(reason);
        if (listener != null) {
            listener.onSkip(reason);
        }
    }
}
