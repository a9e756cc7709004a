package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.lora.LoraFile;
import dev.sdbot.inference.lora.LoraLibrary;
import dev.sdbot.inference.lora.LoraTag;
import dev.sdbot.inference.model.ModelDescription;
import dev.sdbot.inference.pipeline.DiffusionModel;
import dev.sdbot.inference.pipeline.ModelLoader;
import dev.sdbot.inference.nn.Weights;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.weights.LoraMerger;
import dev.sdbot.inference.weights.ModelFiles;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import dev.sdbot.inference.text.ParsedPrompt;

/**
 * An SDXL kohya LoRA ({@code NAME-lora.safetensors}: both text encoders, SGM-named UNet modules, LoCon convs) merged
 * into the folder or the single file, against what diffusers 0.21.4 makes of it ({@code NAME-lora-reference.safetensors},
 * made by {@code lora-sdxl/make_ref.py} in the test resources): a handful of merged weights of each network
 * ({@code lora.merged.<network>.<key>}) and the UNet forward with the LoRA fused ({@code lora.unet.out}) on the
 * model reference's {@code unet.in.*}. The files come from the fixture folder, or for mini-sdxl from the jar.
 */
public final class SdxlLoraChecks {
    /**
     * Merged weights: each element is {@code W + s*alpha/rank * sum_k up_ik down_kj}, rank + 2 fp32 roundings
     * (at most 2^-24 relative each) in ours and in the reference's, so within 2 * 10 * 6e-8 = 1.2e-6 of the
     * magnitude for ranks up to 8; 2e-6 relative leaves room for cancellation in the norm.
     */
    public static final double MERGED_TOLERANCE = 2e-6;

    private SdxlLoraChecks() {
    }

    /** The LoRA and its reference for model {@code name}: in {@code dir}, else bundled in the jar; empty if neither. */
    public static Optional<LoraFixture> fixture(Path dir, String name) {
        Path lora = dir.resolve(name + "-lora.safetensors");
        Path reference = dir.resolve(name + "-lora-reference.safetensors");
        if (Files.isRegularFile(lora) && Files.isRegularFile(reference)) {
            return Optional.of(new LoraFixture(lora, reference, false));
        }
        try (InputStream l = SdxlLoraChecks.class.getResourceAsStream(name + "-lora.safetensors");
             InputStream r = SdxlLoraChecks.class.getResourceAsStream(name + "-lora-reference.safetensors")) {
            if (l == null || r == null) {
                return Optional.empty();
            }
            Path tmp = Files.createTempDirectory("sdbot-sdxl-lora");
            Files.copy(l, tmp.resolve(name + "-lora.safetensors"), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(r, tmp.resolve(name + "-lora-reference.safetensors"), StandardCopyOption.REPLACE_EXISTING);
            return Optional.of(new LoraFixture(tmp.resolve(name + "-lora.safetensors"),
                    tmp.resolve(name + "-lora-reference.safetensors"), true));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the bundled SDXL LoRA", e);
        }
    }

    /** A LoRA file and its reference; {@code temporary} ones (copied from the jar) are deleted by {@link #close()}. */
    public record LoraFixture(Path lora, Path reference, boolean temporary) implements AutoCloseable {
        @Override
        public void close() {
            if (temporary) {
                lora.toFile().delete();
                reference.toFile().delete();
                lora.getParent().toFile().delete();
            }
        }
    }

    /**
     * @param modelReference the model's {@code NAME-reference/reference.safetensors} (for {@code unet.in.*})
     */
    public static List<CheckResult> run(String label, ModelFiles files, ModelDescription d, LoraFixture lora,
                                        Path modelReference) {
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = SafetensorsFile.open(lora.reference());
             SafetensorsFile inputs = SafetensorsFile.open(modelReference)) {
            double scale = ref.load("lora.scale", m, DataType.FLOAT32).getFloat();
            LoraMerger.Merged merged = LoraMerger.merge(lora.lora(), scale, scale, files.unet(m), files.textEncoder(m),
                    files.textEncoder2(m).orElseThrow(() -> new IllegalStateException(files.path() + " is not SDXL")), m);
            List<CheckResult> results = new ArrayList<>();
            results.add(mergedWeights(label, "unet", merged.unet(), ref, m));
            results.add(mergedWeights(label, "text_encoder", merged.textEncoder(), ref, m));
            results.add(mergedWeights(label, "text_encoder_2", merged.textEncoder2(), ref, m));
            NDArray out = UNet.load(merged.unet(), d.unet()).forward(inputs.load("unet.in.sample", m),
                    inputs.load("unet.in.timesteps", m), inputs.load("unet.in.context", m),
                    inputs.load("unet.in.text_embeds", m), inputs.load("unet.in.time_ids", m));
            results.add(CheckResult.of(label + " lora.unet.out (" + merged.modules() + " modules)",
                    Parity.relativeError(out, ref.load("lora.unet.out", m, DataType.FLOAT32)), LoraChecks.TOLERANCE));
            return results;
        }
    }

    /**
     * The LoRA asked for as a user asks, {@code <lora:NAME-lora:scale>}, from a models folder holding the model and
     * {@code lora/}: the loaded model's UNet gives {@code lora.unet.out}, and the next prompt without the tag gives
     * the pixels of a fresh engine (merged weights do not leak).
     */
    public static List<CheckResult> fromPrompt(Path model, String name, LoraFixture lora, Path modelReference) {
        Path models = null;
        try {
            models = Files.createTempDirectory("sdbot-sdxl-lora-check");
            Files.createSymbolicLink(models.resolve(name), model.toAbsolutePath());
            String loraName = name + "-lora";
            Files.createSymbolicLink(Files.createDirectories(models.resolve("lora")).resolve(loraName + ".safetensors"),
                    lora.lora().toAbsolutePath());
            List<CheckResult> out = new ArrayList<>();
            try (NDManager m = NDManager.newBaseManager();
                 SafetensorsFile ref = SafetensorsFile.open(lora.reference());
                 SafetensorsFile inputs = SafetensorsFile.open(modelReference)) {
                float scale = ref.load("lora.scale", m, DataType.FLOAT32).getFloat();
                LoraTag tag = ParsedPrompt.of("<lora:" + loraName + ":" + scale + "> a prompt").loras().get(0);
                LoraLibrary library = LoraLibrary.inModels(models);
                Path path = library.loras().get(loraName);
                DiffusionModel loaded = ModelLoader.load(models.resolve(name), m,
                        List.of(new LoraFile(tag, path, library.shortHash(path))));
                NDArray unetOut = loaded.unet().forward(inputs.load("unet.in.sample", m),
                        inputs.load("unet.in.timesteps", m), inputs.load("unet.in.context", m),
                        inputs.load("unet.in.text_embeds", m), inputs.load("unet.in.time_ids", m));
                out.add(CheckResult.of(name + " <lora:...> in prompt: lora.unet.out",
                        Parity.relativeError(unetOut, ref.load("lora.unet.out", m, DataType.FLOAT32)),
                        LoraChecks.TOLERANCE));
            }
            out.add(LoraPromptChecks.nextPromptUnaffected(models, name, loraName));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out a models folder for the SDXL LoRA check", e);
        } finally {
            LoraPromptChecks.delete(models);
        }
    }

    /** The largest relative error over the reference's {@code lora.merged.<network>.*} tensors. */
    private static CheckResult mergedWeights(String label, String network, Weights merged, SafetensorsFile ref,
                                             NDManager m) {
        String prefix = "lora.merged." + network + ".";
        double worst = 0;
        int count = 0;
        for (String key : ref.keys()) {
            if (key.startsWith(prefix)) {
                NDArray actual = merged.get(key.substring(prefix.length())).toType(DataType.FLOAT32, false);
                worst = Math.max(worst, Parity.relativeError(actual, ref.load(key, m, DataType.FLOAT32)));
                count++;
            }
        }
        if (count == 0) {
            return new CheckResult(label + " " + prefix + "* (none in the reference)", Double.NaN, MERGED_TOLERANCE, false);
        }
        return CheckResult.of(label + " " + prefix + "* (" + count + " weights)", worst, MERGED_TOLERANCE);
    }
}
