package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.DenoiseSteps;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.HiresFix;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.image.ImageTensors;
import dev.sdbot.inference.image.Resampler;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.sampling.DiffusionSampler;
import dev.sdbot.inference.sampling.SamplerPass;
import dev.sdbot.inference.sampling.Samplers;
import dev.sdbot.inference.upscale.ImageUpscaler;

import java.util.ArrayList;
import java.util.List;

/**
 * The second pass of A1111's hires fix: the first pass's latents enlarged to the target size (in latent space, or
 * decoded, Lanczos-resized as 8-bit images and encoded again, as A1111 does for image upscalers), then img2img at
 * the fix's strength and steps. An ESRGAN-family upscaler ({@code net}) enlarges the decoded images in pixel space
 * instead of Lanczos, as A1111 does for its ESRGAN models, before the VAE encodes them again. Image i draws its noise
 * from seed + i exactly as an img2img request of the target size does, so a Lanczos hires fix equals that img2img of
 * the resized first-pass image whose steps and strength give the same {@link DenoiseSteps} (A1111's hires pass runs
 * all its steps at the end of a longer schedule).
 */
final class HiresPass {
    private HiresPass() {
    }

    /** The model calls of the second pass (progress counts them after the first pass's). */
    static int calls(GenerationRequest request, DiffusionModel model) throws InvalidRequestException {
        return pass(request, model).calls();
    }

    private static SamplerPass pass(GenerationRequest request, DiffusionModel model) throws InvalidRequestException {
        HiresFix fix = request.hires();
        DenoiseSteps plan = fix.denoiseSteps(request.steps());
        SamplerPass pass = Samplers.pass(request.sampler(), model.scheduler(), plan);
        if (pass.calls() <= 0) {
            // DPM++ drops repeated timesteps, and A1111's DDIM/PLMS run one call fewer than their steps, so a few
            // steps may be no model call at all
            throw new InvalidRequestException("hires strength " + fix.strength() + " leaves no denoising step of "
                    + request.sampler().displayName() + " at " + plan.run() + " hires steps; raise the strength or the steps");
        }
        return pass;
    }

    static NDArray run(StableDiffusionPipeline pipeline, GenerationRequest request, ConditioningSchedule context, NDArray base,
                       long firstSeed, long firstVariationSeed, NDManager manager, ImageUpscaler net,
                       StepListener listener)
            throws GenerationException {
        HiresFix fix = request.hires();
        DiffusionModel model = pipeline.model();
        SamplerPass pass = pass(request, model);
        DiffusionSampler sampler = pass.sampler();
        int start = pass.start();
        int f = model.downscaleFactor();
        int width = request.outputWidth();
        int height = request.outputHeight();
        Shape latentShape = new Shape(1, model.latentChannels(), height / f, width / f);
        int stepDraws = sampler.usesStepNoise() ? sampler.timesteps().length - start : 0;
        boolean encodes = !fix.upscaler().latent();
        int images = (int) base.getShape().get(0);
        List<ImageNoise> perImage = new ArrayList<>(images);
        for (int i = 0; i < images; i++) {
            // A1111 draws the hires noise as the first pass's, its variation included
            perImage.add(ImageNoise.ofImage(manager, request, firstSeed, firstVariationSeed, i, latentShape, encodes,
                    false, stepDraws));
        }
        ImageNoise noise = ImageNoise.batch(perImage);
        if (fix.upscaler().latent()) {
            NDArray enlarged = LatentUpscale.resize(base, height / f, width / f, fix.upscaler());
            return pipeline.refine(context, request.cfgScale(), sampler, enlarged, start, noise, listener);
        }
        List<RgbImage> resized = new ArrayList<>(images);
        for (RgbImage image : ImageTensors.toImages(pipeline.decode(base))) {
            resized.add(net != null ? net.upscaleTo(image, width, height, manager)
                    : Resampler.resize(image, width, height, Resampler.Filter.LANCZOS));
        }
        return pipeline.img2img(context, request.cfgScale(), sampler, ImageTensors.toTensor(resized, manager), start,
                noise, listener);
    }
}
