package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sdbot.inference.api.GenerationCancelledException;
import dev.sdbot.inference.controlnet.ControlNetLoader;
import dev.sdbot.inference.pipeline.ControlGuide;
import dev.sdbot.inference.pipeline.ModelLoader;
import dev.sdbot.inference.pipeline.StableDiffusionPipeline;
import dev.sdbot.inference.pipeline.StepListener;
import dev.sdbot.inference.weights.SafetensorsFile;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.unet.ControlNet;
import dev.sdbot.inference.unet.ControlResiduals;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.weights.SafetensorsWeights;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The mini SD 1.x ControlNet ({@code make_controlnet_refs.py} in the test resources, bundled in the jar) against
 * diffusers v0.21.4: its residuals from the diffusers folder and from the A1111 single file, in guess mode, and the
 * mini-sd15 UNet with those residuals. Tolerance as the UNet's: the net is a UNet encoder.
 */
public final class ControlNetChecks {
    public static final double TOLERANCE = 1e-4;
    static final String RESOURCES = "controlnet/";

    private ControlNetChecks() {
    }

    /** @param sd15Folder the mini-sd15 diffusers folder the ControlNet was made from */
    public static List<CheckResult> runBundled(Path sd15Folder) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("sdbot-controlnet-refs");
            Path refs = copy("controlnet-refs.safetensors", dir);
            Path folder = Files.createDirectories(dir.resolve("mini-cn"));
            copy("mini-cn/config.json", dir);
            copy("mini-cn/diffusion_pytorch_model.safetensors", dir);
            Path single = copy("mini-cn-a1111.safetensors", dir);
            List<CheckResult> results = new ArrayList<>();
            try (NDManager manager = NDManager.newBaseManager()) {
                ControlNet fromFolder = ControlNetLoader.load(folder, manager, DataType.FLOAT32);
                ControlNet fromSingle = ControlNetLoader.load(single, manager, DataType.FLOAT32);
                ControlResiduals residuals = residuals(fromFolder, refs, manager, false);
                results.add(CheckResult.of("controlnet residuals (diffusers folder)",
                        error(residuals, refs, "cn.", manager), TOLERANCE));
                results.add(CheckResult.of("controlnet residuals (A1111 single file)",
                        error(residuals(fromSingle, refs, manager, false), refs, "cn.", manager), TOLERANCE));
                results.add(CheckResult.of("controlnet residuals (guess mode)",
                        error(residuals(fromFolder, refs, manager, true), refs, "cn.guess.", manager), TOLERANCE));
                UNet unet = UNet.load(SafetensorsWeights.loadAll(
                        sd15Folder.resolve("unet/diffusion_pytorch_model.safetensors"), manager, DataType.FLOAT32),
                        UNetConfig.fromJson(sd15Folder.resolve("unet/config.json")));
                NDArray out = unet.forward(Parity.reference(refs, "cn.in.sample", manager),
                        Parity.reference(refs, "cn.in.timestep", manager),
                        Parity.reference(refs, "cn.in.context", manager), null, null, residuals);
                results.add(CheckResult.of("unet.out with controlnet residuals",
                        Parity.relativeError(out, Parity.reference(refs, "unet.out", manager)), TOLERANCE));
                results.add(txt2img("controlnet txt2img.0 latents (DDIM 8 steps, weight 0.8, end 0.75)", sd15Folder, fromFolder,
                        refs, manager));
            }
            return results;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteTree(dir);
        }
    }

    /**
     * txt2img case 0 of the model folder's reference ({@code <folder>-reference}: mini-sd15 DDIM, mini-sdxl Euler, 8
     * steps) with the ControlNet at weight 0.8 until 75 % of the steps, against diffusers' ControlNet pipeline loop
     * ({@code pipe.latents} of {@code refs}): latents within the pipelines' 1e-3. Serves the SD1 and SDXL groups.
     */
    static CheckResult txt2img(String label, Path modelFolder, ControlNet net, Path refs, NDManager manager) {
        Path reference = modelFolder.resolveSibling(modelFolder.getFileName() + "-reference/reference.safetensors");
        try (SafetensorsFile ref = SafetensorsFile.open(reference); NDManager sub = manager.newSubManager()) {
            StableDiffusionPipeline pipeline = new StableDiffusionPipeline(ModelLoader.load(modelFolder, sub));
            JsonObject c = JsonParser.parseString(ref.metadata().get("txt2img.cases")).getAsJsonArray().get(0)
                    .getAsJsonObject();
            NDArray image = Parity.reference(refs, "pipe.control.image_uint8", sub).toType(DataType.FLOAT32, false)
                    .div(255f).transpose(2, 0, 1).expandDims(0);
            ControlGuide control = new ControlGuide(List.of(new ControlGuide.Unit(net, image, 0.8f, 0, 0.75, false)));
            NDArray latents = pipeline.txt2img(PipelineChecks.context(pipeline, sub, c), c.get("guidance").getAsDouble(),
                    PipelineChecks.sampler(pipeline.model(), c), PipelineChecks.noise(ref, sub, "txt2img.0", false, false),
                    StepListener.NONE, control);
            return CheckResult.of(label,
                    Parity.relativeError(latents, Parity.reference(refs, "pipe.latents", sub)),
                    PipelineChecks.LATENT_TOLERANCE);
        } catch (GenerationCancelledException e) {
            throw new IllegalStateException("nothing cancels a check", e);
        }
    }

    /** A copy of a bundled reference file under {@code dir} (same relative path). */
    public static Path copy(String resource, Path dir) throws IOException {
        try (InputStream in = ControlNetChecks.class.getResourceAsStream(RESOURCES + resource)) {
            if (in == null) {
                throw new IOException(resource + " is missing from the build");
            }
            Path file = dir.resolve(resource);
            Files.createDirectories(file.getParent());
            Files.copy(in, file);
            return file;
        }
    }

    private static ControlResiduals residuals(ControlNet net, Path refs, NDManager manager, boolean guess) {
        float scale = Parity.reference(refs, "cn.scale", manager).getFloat(0);
        return net.forward(Parity.reference(refs, "cn.in.sample", manager),
                Parity.reference(refs, "cn.in.timestep", manager), Parity.reference(refs, "cn.in.context", manager),
                null, Parity.reference(refs, "cn.in.cond", manager), scale, guess);
    }

    /** Relative error of all residuals together (the shallow ones dominate nothing: each is checked in the sum). */
    public static double error(ControlResiduals r, Path refs, String prefix, NDManager manager) {
        NDList actual = new NDList();
        NDList expected = new NDList();
        for (int i = 0; i < r.down().size(); i++) {
            actual.add(r.down().get(i).flatten());
            expected.add(Parity.reference(refs, prefix + "down." + i, manager).flatten());
        }
        actual.add(r.mid().flatten());
        expected.add(Parity.reference(refs, prefix + "mid", manager).flatten());
        return Parity.relativeError(NDArrays.concat(actual), NDArrays.concat(expected));
    }

    static void deleteTree(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder left behind is harmless
        }
    }
}
