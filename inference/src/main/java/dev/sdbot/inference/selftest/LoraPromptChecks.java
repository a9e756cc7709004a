package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.lora.LoraFile;
import dev.sdbot.inference.lora.LoraLibrary;
import dev.sdbot.inference.pipeline.DiffusionGenerator;
import dev.sdbot.inference.pipeline.ClipConditioner;
import dev.sdbot.inference.pipeline.DiffusionModel;
import dev.sdbot.inference.pipeline.ModelLoader;
import dev.sdbot.inference.weights.SafetensorsFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import dev.sdbot.inference.text.ParsedPrompt;

/**
 * The fixture LoRA asked for the way a user asks, {@code <lora:NAME-lora:scale>} in a prompt, from a models folder
 * with {@code lora/}: the merged text encoder and UNet give {@code lora.text.hidden}/{@code lora.unet.out}, and the
 * next prompt without the tag gives the same pixels as a fresh engine (merged weights do not leak).
 */
public final class LoraPromptChecks {
    private LoraPromptChecks() {
    }

    public static List<CheckResult> run(Path ldm, String name) {
        Path models = null;
        try {
            models = Files.createTempDirectory("sdbot-lora-check");
            Files.createSymbolicLink(models.resolve(name), ldm.resolve(name).toAbsolutePath());
            Path loras = Files.createDirectories(models.resolve("lora"));
            String lora = name + "-lora";
            Files.createSymbolicLink(loras.resolve(lora + ".safetensors"),
                    ldm.resolve(lora + ".safetensors").toAbsolutePath());
            List<CheckResult> out = new ArrayList<>(merged(ldm, name, models, lora));
            out.add(nextPromptUnaffected(models, name, lora));
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out a models folder for the LoRA check", e);
        } finally {
            delete(models);
        }
    }

    private static List<CheckResult> merged(Path ldm, String name, Path models, String lora) {
        try (NDManager m = NDManager.newBaseManager();
             SafetensorsFile ref = SafetensorsFile.open(ldm.resolve(name + "-reference/reference.safetensors"))) {
            double scale = ref.load("lora.scale", m, DataType.FLOAT32).getFloat();
            ParsedPrompt prompt = ParsedPrompt.of("<lora:" + lora + ":" + (float) scale + "> a prompt");
            LoraLibrary library = LoraLibrary.inModels(models);
            List<LoraFile> files = prompt.loras().stream().map(t -> {
                Path path = library.loras().get(t.name());
                return new LoraFile(t, path, library.shortHash(path));
            }).toList();
            DiffusionModel model = ModelLoader.load(models.resolve(name), m, files);
            NDArray expectedHidden = ref.load("lora.text.hidden", m, DataType.FLOAT32);
            NDArray ids = ref.load("tokenizer.ids", m).get("0:{}", expectedHidden.getShape().get(0));
            if (!(model.text() instanceof ClipConditioner clip)) {
                throw new IllegalStateException(name + " is not a single-encoder (SD 1.x/2.x) model");
            }
            NDArray hidden = clip.textEncoder().encode(ids, 1);
            NDArray out = model.unet().forward(ref.load("unet.in.sample", m, DataType.FLOAT32),
                    ref.load("unet.in.timesteps", m), expectedHidden);
            return List.of(
                    CheckResult.of(name + " <lora:...> in prompt: lora.text.hidden",
                            Parity.relativeError(hidden, expectedHidden), LoraChecks.TOLERANCE),
                    CheckResult.of(name + " <lora:...> in prompt: lora.unet.out",
                            Parity.relativeError(out, ref.load("lora.unet.out", m, DataType.FLOAT32)), LoraChecks.TOLERANCE));
        }
    }

    /** Fraction of differing pixels between a fresh engine and one that just ran the LoRA: must be 0. */
    static CheckResult nextPromptUnaffected(Path models, String name, String lora) {
        try (DiffusionGenerator fresh = new DiffusionGenerator(models, 8);
             DiffusionGenerator used = new DiffusionGenerator(models, 8)) {
            used.generate(request("<lora:" + lora + ":0.8> a red apple", name), p -> { });
            float[] expected = pixels(fresh, name);
            float[] actual = pixels(used, name);
            return CheckResult.exact(name + " prompt after a <lora:...> prompt = fresh model", actual, expected);
        } catch (GenerationException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static GenerationRequest request(String prompt, String model) {
        return GenerationRequest.builder(prompt, model).sampler(Sampler.EULER).steps(2).size(64, 64).seed(3L).build();
    }

    private static float[] pixels(DiffusionGenerator generator, String model) throws GenerationException {
        byte[] rgb = ImageCodec.decode(generator.generate(request("a red apple", model), p -> { }).images().get(0).png())
                .pixels();
        float[] out = new float[rgb.length];
        for (int i = 0; i < rgb.length; i++) {
            out[i] = rgb[i] & 0xff;
        }
        return out;
    }

    static void delete(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp folder of links: left for the OS to clean
        }
    }
}
