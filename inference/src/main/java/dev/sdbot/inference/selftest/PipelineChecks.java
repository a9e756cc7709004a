package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.sdbot.inference.api.GenerationCancelledException;
import dev.sdbot.inference.image.ImageTensors;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.pipeline.Conditioning;
import dev.sdbot.inference.pipeline.DiffusionModel;
import dev.sdbot.inference.pipeline.ImageNoise;
import dev.sdbot.inference.pipeline.ModelLoader;
import dev.sdbot.inference.pipeline.StableDiffusionPipeline;
import dev.sdbot.inference.pipeline.StepListener;
import dev.sdbot.inference.sampling.DiffusionSampler;
import dev.sdbot.inference.sampling.NoiseSource;
import dev.sdbot.inference.sampling.QueuedNoise;
import dev.sdbot.inference.sampling.Samplers;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.weights.SafetensorsFile;
import dev.sdbot.inference.weights.SafetensorsWeights;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Whole pipelines against diffusers with the reference's recorded noise: {@code txt2img.<n>},
 * {@code img2img}, {@code inpaint9} (9-channel UNet) and {@code inpaint4} (mask blending) for mini-sd15,
 * {@code txt2img.<n>} (v-prediction) for mini-sd21v. Latents within 1e-3, 8-bit images within 2 levels.
 */
public final class PipelineChecks {
    public static final double LATENT_TOLERANCE = 1e-3;
    public static final double PIXEL_LEVELS = 2;

    private PipelineChecks() {
    }

    public static List<CheckResult> run(Path ldm) {
        List<CheckResult> results = new ArrayList<>();
        results.addAll(txt2img(ldm, "mini-sd15"));
        results.addAll(img2img(ldm));
        results.addAll(inpaint(ldm, true));
        results.addAll(inpaint(ldm, false));
        results.addAll(txt2img(ldm, "mini-sd21v"));
        return results;
    }

    /** Every case of {@code txt2img.cases}, the sampler built from the model's own scheduler config. */
    public static List<CheckResult> txt2img(Path ldm, String modelName) {
        try (NDManager manager = NDManager.newBaseManager()) {
            return txt2img(modelName, new StableDiffusionPipeline(ModelLoader.load(ldm.resolve(modelName), manager)),
                    ldm.resolve(modelName + "-reference/reference.safetensors"));
        }
    }

    /**
     * The cases of {@code txt2img.cases} in {@code reference} on {@code pipeline}; where the reference records a
     * case's UNet conditioning ({@code .context}, SDXL's {@code .text_embeds}), that is compared too.
     */
    public static List<CheckResult> txt2img(String label, StableDiffusionPipeline pipeline, Path reference) {
        List<CheckResult> results = new ArrayList<>();
        try (NDManager manager = NDManager.newBaseManager(); SafetensorsFile ref = SafetensorsFile.open(reference)) {
            JsonArray cases = JsonParser.parseString(ref.metadata().get("txt2img.cases")).getAsJsonArray();
            for (JsonElement element : cases) {
                JsonObject c = element.getAsJsonObject();
                String prefix = "txt2img." + c.get("case").getAsInt();
                try (NDManager sub = manager.newSubManager()) {
                    DiffusionSampler sampler = sampler(pipeline.model(), c);
                    Conditioning context = context(pipeline, sub, c);
                    if (ref.contains(prefix + ".context")) {
                        results.add(CheckResult.of(label + " " + prefix + ".context", Parity.relativeError(
                                context.context(), ref.load(prefix + ".context", sub)), ClipChecks.TEXT_TOLERANCE));
                    }
                    if (ref.contains(prefix + ".text_embeds")) {
                        results.add(CheckResult.of(label + " " + prefix + ".text_embeds", Parity.relativeError(
                                context.pooled(), ref.load(prefix + ".text_embeds", sub)), ClipChecks.TEXT_TOLERANCE));
                    }
                    NDArray latents = pipeline.txt2img(context, c.get("guidance").getAsDouble(), sampler,
                            noise(ref, sub, prefix, false, false), StepListener.NONE);
                    results.addAll(compare(label + " " + prefix, pipeline, latents, ref, sub, prefix));
                }
            }
        } catch (GenerationCancelledException e) {
            throw new IllegalStateException("nothing cancels a check", e);
        }
        return results;
    }

    public static List<CheckResult> img2img(Path ldm) {
        return img2img(ldm, "mini-sd15");
    }

    /** {@code img2img.*} of {@code <name>-reference} on the diffusers folder {@code <name>}. */
    public static List<CheckResult> img2img(Path ldm, String modelName) {
        try (NDManager manager = NDManager.newBaseManager(); SafetensorsFile ref = reference(ldm, modelName)) {
            Path dir = ldm.resolve(modelName);
            StableDiffusionPipeline pipeline = new StableDiffusionPipeline(ModelLoader.load(dir, manager));
            JsonObject c = JsonParser.parseString(ref.metadata().get("img2img.case")).getAsJsonObject();
            DiffusionSampler sampler = sampler(pipeline.model(), c);
            int steps = c.get("steps").getAsInt();
            int start = StableDiffusionPipeline.startIndex(steps, c.get("strength").getAsDouble());
            double[] timesteps = sampler.timesteps();
            double[] used = Arrays.copyOfRange(timesteps, start, timesteps.length);
            double[] expected = ref.load("img2img.timesteps", manager).toDoubleArray();
            List<CheckResult> results = new ArrayList<>();
            results.add(CheckResult.of(modelName + " img2img.timesteps (exact)", Arrays.equals(used, expected) ? 0 : 1, 0));
            NDArray latents = pipeline.img2img(context(pipeline, manager, c), c.get("guidance").getAsDouble(), sampler,
                    initImage(ref, manager), start, noise(ref, manager, "img2img", true, false), StepListener.NONE);
            results.addAll(compare(modelName + " img2img", pipeline, latents, ref, manager, "img2img"));
            return results;
        } catch (GenerationCancelledException e) {
            throw new IllegalStateException("nothing cancels a check", e);
        }
    }

    /** {@code inpaint9} with the 9-channel UNet of mini-sd15-inpainting, or {@code inpaint4} with the ordinary one. */
    public static List<CheckResult> inpaint(Path ldm, boolean nineChannel) {
        return inpaint(ldm, "mini-sd15", nineChannel);
    }

    /** As {@link #inpaint(Path, boolean)} for {@code <name>}; the 9-channel UNet is {@code <name>-inpainting/unet}. */
    public static List<CheckResult> inpaint(Path ldm, String modelName, boolean nineChannel) {
        String prefix = nineChannel ? "inpaint9" : "inpaint4";
        try (NDManager manager = NDManager.newBaseManager(); SafetensorsFile ref = reference(ldm, modelName)) {
            DiffusionModel model = ModelLoader.load(ldm.resolve(modelName), manager);
            if (nineChannel) {
                model = withUNet(model, ldm.resolve(modelName + "-inpainting/unet"), manager);
            }
            StableDiffusionPipeline pipeline = new StableDiffusionPipeline(model);
            JsonObject c = JsonParser.parseString(ref.metadata().get("inpaint.cases")).getAsJsonObject();
            DiffusionSampler sampler = sampler(pipeline.model(), c);
            NDArray latents = pipeline.inpaint(context(pipeline, manager, c), c.get("guidance").getAsDouble(), sampler,
                    initImage(ref, manager), ref.load("inpaint9.mask", manager), 0,
                    noise(ref, manager, prefix, !nineChannel, nineChannel), StepListener.NONE);
            return compare(modelName + " " + prefix, pipeline, latents, ref, manager, prefix);
        } catch (GenerationCancelledException e) {
            throw new IllegalStateException("nothing cancels a check", e);
        }
    }

    /** The fixture's 9-channel UNet comes as a lone unet/ folder; the rest is mini-sd15's. */
    private static DiffusionModel withUNet(DiffusionModel model, Path unetDir, NDManager manager) {
        UNet unet = UNet.load(SafetensorsWeights.loadAll(unetDir.resolve("diffusion_pytorch_model.safetensors"), manager,
                DataType.FLOAT32), UNetConfig.fromJson(unetDir.resolve("config.json")));
        return new DiffusionModel(model.family(), unet, model.vae(), model.text(), model.scheduler(),
                model.safetyChecker(), model.tinyVae(), model.defaults());
    }

    private static SafetensorsFile reference(Path ldm, String modelName) {
        return SafetensorsFile.open(ldm.resolve(modelName + "-reference/reference.safetensors"));
    }

    static DiffusionSampler sampler(DiffusionModel model, JsonObject c) {
        return Samplers.create(SamplerChecks.samplerFor(c.get("scheduler").getAsString()), model.scheduler(),
                c.get("steps").getAsInt());
    }

    /** A case's conditioning; a null negative prompt (SDXL's "uncond: zeros" cases) is no negative prompt. */
    static Conditioning context(StableDiffusionPipeline pipeline, NDManager manager, JsonObject c) {
        JsonElement negative = c.get("negative");
        return pipeline.encodePrompt(manager, c.get("prompt").getAsString(),
                negative == null || negative.isJsonNull() ? "" : negative.getAsString(),
                c.get("guidance").getAsDouble(), 1);
    }

    private static NDArray initImage(SafetensorsFile ref, NDManager manager) {
        RgbImage image = ImageTensors.fromHwc(ref.load("img2img.init_image_uint8", manager).expandDims(0)).get(0);
        return ImageTensors.toTensor(image, manager);
    }

    /** The recorded noise of a case, in the roles the pipeline gives them. */
    static ImageNoise noise(SafetensorsFile ref, NDManager manager, String prefix, boolean imageEncode,
                                    boolean maskedEncode) {
        NDArray encode = ref.contains(prefix + ".encode_noise") ? ref.load(prefix + ".encode_noise", manager) : null;
        NoiseSource steps = ref.contains(prefix + ".step_noise")
                ? QueuedNoise.split(ref.load(prefix + ".step_noise", manager)) : NoiseSource.NONE;
        return new ImageNoise(ref.load(prefix + ".noise", manager), imageEncode ? encode : null,
                maskedEncode ? encode : null, steps);
    }

    private static List<CheckResult> compare(String name, StableDiffusionPipeline pipeline, NDArray latents,
                                             SafetensorsFile ref, NDManager manager, String prefix) {
        List<CheckResult> results = new ArrayList<>();
        results.add(CheckResult.of(name + ".latents",
                Parity.relativeError(latents, ref.load(prefix + ".latents", manager)), LATENT_TOLERANCE));
        RgbImage image = ImageTensors.toImages(pipeline.decode(latents)).get(0);
        RgbImage expected = ImageTensors.fromHwc(ref.load(prefix + ".image_uint8", manager).expandDims(0)).get(0);
        results.add(CheckResult.of(name + ".image_uint8 (max level difference)", maxLevelDifference(image, expected),
                PIXEL_LEVELS));
        return results;
    }

    private static double maxLevelDifference(RgbImage a, RgbImage b) {
        if (a.width() != b.width() || a.height() != b.height()) {
            return Double.POSITIVE_INFINITY;
        }
        int max = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            max = Math.max(max, Math.abs((a.pixels()[i] & 0xff) - (b.pixels()[i] & 0xff)));
        }
        return max;
    }
}
