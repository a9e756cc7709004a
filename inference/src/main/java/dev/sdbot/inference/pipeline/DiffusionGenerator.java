package dev.sdbot.inference.pipeline;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.GenerationCancelledException;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.GrayImage;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.ImageResize;
import dev.sdbot.inference.image.ImageTensors;
import dev.sdbot.inference.image.LatentPreview;
import dev.sdbot.inference.image.Masks;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.safety.SafetyResult;
import dev.sdbot.inference.sampling.DiffusionSampler;
import dev.sdbot.inference.sampling.Samplers;
import dev.sdbot.inference.sampling.SeededNoise;
import dev.sdbot.inference.weights.CheckpointException;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The engine behind {@link ImageGenerator}: models from a directory (see {@link ModelDirectory}), kept
 * loaded in an LRU cache bounded in bytes, one NDManager per request. Image i uses seed + i (a random
 * seed when the request has none, reported in the result) and is generated on its own, so its pixels do
 * not depend on the count. Every image gets the safety checker's verdict when the model has one and a
 * PNG with A1111's "parameters" text.
 */
public final class DiffusionGenerator implements ImageGenerator {
    private final Supplier<Map<String, Path>> models;
    private final String source;
    private final Device device;
    private final ModelCache cache;

    /**
     * @param modelsDir      directory holding the models
     * @param cacheGigabytes weights kept loaded, at least one model
     */
    public DiffusionGenerator(Path modelsDir, double cacheGigabytes) {
        this(modelsDir, cacheGigabytes, Device.cpu());
    }

    /** @param device where weights and activations live (see {@link Devices#parse(String)}) */
    public DiffusionGenerator(Path modelsDir, double cacheGigabytes, Device device) {
        this(new ModelDirectory(modelsDir)::models, modelsDir.toString(), cacheGigabytes, device);
    }

    private DiffusionGenerator(Supplier<Map<String, Path>> models, String source, double cacheGigabytes, Device device) {
        this.models = models;
        this.source = source;
        this.device = device;
        this.cache = new ModelCache((long) (cacheGigabytes * (1L << 30)), device, this::load);
    }

    /** A generator for one checkpoint (file or diffusers folder) anywhere on disk, offered under {@code name}. */
    public static DiffusionGenerator forCheckpoint(String name, Path checkpoint, Device device) {
        Map<String, Path> one = Map.of(name, checkpoint);
        return new DiffusionGenerator(() -> one, checkpoint.toString(), 1, device);
    }

    public Device device() {
        return device;
    }

    @Override
    public Set<String> availableModels() {
        return models.get().keySet();
    }

    @Override
    public Set<String> loadedModels() {
        return cache.loaded();
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
        long started = System.nanoTime();
        RequestValidator.validate(request, availableModels());
        RgbImage init = null;
        GrayImage mask = null;
        if (request.initImage() != null) {
            RgbImage decoded = ImageCodec.decode(request.initImage());
            if (request.maskImage() != null) {
                GrayImage decodedMask = ImageCodec.decodeMask(request.maskImage());
                Masks.checkMatches(decodedMask, decoded);
                if (!Masks.hasRepaintArea(decodedMask)) {
                    throw new InvalidRequestException("the mask is all black: nothing to repaint (white marks what to repaint)");
                }
                mask = ImageResize.fit(decodedMask, request.width(), request.height(), ImageResize.Mode.STRETCH);
            }
            init = ImageResize.fit(decoded, request.width(), request.height(), ImageResize.Mode.STRETCH);
        }
        long baseSeed = request.seed() != null ? request.seed() : SeededNoise.randomSeed();
        List<GeneratedImage> images = new ArrayList<>();
        try (ModelCache.Lease lease = cache.acquire(request.model()); NDManager manager = NDManager.newBaseManager(device)) {
            DiffusionModel model = lease.model();
            checkFits(request, model);
            StableDiffusionPipeline pipeline = new StableDiffusionPipeline(model);
            NDArray context = pipeline.encodePrompt(manager, request.prompt(), request.negativePrompt(),
                    request.cfgScale(), request.clipSkip());
            for (int i = 0; i < request.count(); i++) {
                long seed = baseSeed + i;
                try (NDManager imageManager = manager.newSubManager()) {
                    RgbImage rgb = generateOne(pipeline, request, context, init, mask, seed, imageManager,
                            new ProgressAdapter(listener, started, i, request.count()));
                    images.add(finish(model, request, rgb, seed));
                }
            }
        } catch (CheckpointException e) {
            throw new GenerationException("model '" + request.model() + "' cannot be loaded: " + e.getMessage(), e);
        } catch (EngineException | IllegalStateException | IllegalArgumentException e) {
            throw new GenerationException("generation failed: " + e.getMessage(), e);
        }
        return new GenerationResult(images, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    private static void checkFits(GenerationRequest request, DiffusionModel model) throws InvalidRequestException {
        if (model.inpainting() && !request.isInpainting()) {
            throw new InvalidRequestException("model '" + request.model()
                    + "' is an inpainting model: it needs an init image and a mask");
        }
        int layers = model.textEncoder().config().numLayers();
        if (request.clipSkip() > layers) {
            throw new InvalidRequestException("clip skip " + request.clipSkip() + " exceeds the " + layers
                    + " layers of the text encoder of '" + request.model() + "'");
        }
    }

    private RgbImage generateOne(StableDiffusionPipeline pipeline, GenerationRequest request, NDArray context,
                                 RgbImage init, GrayImage mask, long seed, NDManager manager, StepListener listener)
            throws GenerationException {
        DiffusionModel model = pipeline.model();
        DiffusionSampler sampler = Samplers.create(request.sampler(), model.scheduler(), request.steps());
        int start = init == null ? 0 : StableDiffusionPipeline.startIndex(request.steps(), request.strength());
        if (start >= sampler.timesteps().length) {
            // DPM++ drops repeated timesteps, so a few steps may be fewer model calls than requested.
            throw new InvalidRequestException("strength " + request.strength() + " leaves no denoising step of "
                    + request.sampler().displayName() + " at " + request.steps() + " steps; raise the strength");
        }
        int f = model.downscaleFactor();
        Shape latentShape = new Shape(1, model.latentChannels(), request.height() / f, request.width() / f);
        int stepDraws = sampler.usesStepNoise() ? sampler.timesteps().length - start : 0;
        boolean inpaint = mask != null;
        boolean encodesImage = init != null && (!inpaint || !model.inpainting() || start > 0);
        ImageNoise noise = ImageNoise.seeded(manager, seed, latentShape, encodesImage, inpaint, stepDraws);
        NDArray latents;
        if (inpaint) {
            latents = pipeline.inpaint(context, request.cfgScale(), sampler, ImageTensors.toTensor(init, manager),
                    Masks.toTensor(mask, manager), start, noise, listener);
        } else if (init != null) {
            latents = pipeline.img2img(context, request.cfgScale(), sampler, ImageTensors.toTensor(init, manager),
                    start, noise, listener);
        } else {
            latents = pipeline.txt2img(context, request.cfgScale(), sampler, noise, listener);
        }
        return ImageTensors.toImages(pipeline.decode(latents)).get(0);
    }

    private static GeneratedImage finish(DiffusionModel model, GenerationRequest request, RgbImage rgb, long seed) {
        boolean nsfw = false;
        float[] scores = new float[0];
        if (model.safetyChecker() != null) {
            SafetyResult verdict = model.safetyChecker().check(List.of(rgb)).get(0);
            nsfw = verdict.nsfw();
            scores = verdict.conceptScores();
        }
        String parameters = GenerationParameters.of(request, seed).toInfotext();
        byte[] png = ImageCodec.encodePng(rgb, Map.of(GenerationParameters.PNG_KEY, parameters));
        return new GeneratedImage(png, seed, nsfw, scores);
    }

    private ModelCache.Loaded load(String name, NDManager manager) {
        Path path = models.get().get(name);
        if (path == null) {
            throw new CheckpointException("model '" + name + "' is no longer in " + source);
        }
        return ModelLoader.loadCounting(path, manager);
    }

    @Override
    public void close() {
        cache.close();
    }

    /** Per-step progress over all images of the request, and cancellation between steps. */
    private static final class ProgressAdapter implements StepListener {
        private final ProgressListener listener;
        private final long started;
        private final int image;
        private final int count;

        ProgressAdapter(ProgressListener listener, long started, int image, int count) {
            this.listener = listener;
            this.started = started;
            this.image = image;
            this.count = count;
        }

        @Override
        public void onStep(int done, int total, NDArray latents) throws GenerationCancelledException {
            int overall = image * total + done;
            if (done > 0) {
                byte[] preview = listener.wantsPreview() ? LatentPreview.png(latents) : null;
                listener.onProgress(new Progress(overall, count * total,
                        Duration.ofNanos(System.nanoTime() - started), preview));
            }
            if (done < total && listener.isCancelled()) {
                throw new GenerationCancelledException(overall);
            }
        }
    }
}
