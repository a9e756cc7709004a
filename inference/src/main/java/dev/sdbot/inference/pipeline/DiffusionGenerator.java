package dev.sdbot.inference.pipeline;

import ai.djl.Device;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.DenoiseSteps;
import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.GenerationCancelledException;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.ControlNetUnit;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.api.ModelPreset;
import dev.sdbot.inference.model.ModelDefaults;
import dev.sdbot.inference.weights.FileHashes;
import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.inference.controlnet.ControlNetLibrary;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.GrayImage;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.ImageTensors;
import dev.sdbot.inference.image.LatentPreview;
import dev.sdbot.inference.vae.TinyVae;
import dev.sdbot.inference.image.Masks;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.embedding.EmbeddingLibrary;
import dev.sdbot.inference.lora.LoraArchitecture;
import dev.sdbot.inference.lora.LoraFile;
import dev.sdbot.inference.lora.LoraLibrary;
import dev.sdbot.inference.lora.LoraMismatchException;
import dev.sdbot.inference.safety.SafetyChecker;
import dev.sdbot.inference.safety.SafetyCheckerFolder;
import dev.sdbot.inference.safety.SafetyResult;
import dev.sdbot.inference.vae.VaeTiling;
import dev.sdbot.inference.sampling.DiffusionSampler;
import dev.sdbot.inference.sampling.SamplerPass;
import dev.sdbot.inference.sampling.Samplers;
import dev.sdbot.inference.sampling.SeededNoise;
import dev.sdbot.inference.upscale.ImageUpscaler;
import dev.sdbot.inference.upscale.UpscalerLibrary;
import dev.sdbot.inference.text.PromptSchedules;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.inference.weights.ModelFiles;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * The engine behind {@link ImageGenerator}: models from a directory (see {@link ModelDirectory}), kept
 * loaded in an LRU cache bounded in bytes, one NDManager per request. The images of a request run as one
 * batch (prompt encoded once, one UNet call per step for all, one VAE decode, one safety check), split
 * into sub-batches when width x height x images exceeds a pixel budget. Image i uses seed + i (a random
 * seed when the request has none, reported in the result) and draws all its noise from that seed alone,
 * so its pixels do not depend on the count or the batching. Every image gets a PNG with A1111's "parameters" text
 * and the verdict of the model's own safety checker, else of the shared one (see {@link SafetyCheckerFolder}),
 * else {@link SafetyVerdict#UNCHECKED}.
 */
public final class DiffusionGenerator implements ImageGenerator {
    private final Supplier<Map<String, Path>> models;
    private final LoraLibrary loras;
    private final UpscalerLibrary upscalers;
    private volatile EmbeddingLibrary embeddings;
    private volatile VaeTiling vaeTiling = VaeTiling.DEFAULT;
    /** ControlNet name → folder or file ({@link ControlNetLibrary}), rescanned per request. */
    private volatile Supplier<Map<String, Path>> controlNets;
    private final String source;
    private final Device device;
    /** The UNet's and text encoder's dtype ({@link Precision#computeType}). */
    private final DataType computeType;
    private final ModelCache cache;
    private final long batchPixels;
    /** Null when no shared checker is installed. */
    private final SharedSafetyChecker sharedChecker;

    /** Default pixel budget of one batch: four 512x512 images. */
    public static final long DEFAULT_BATCH_PIXELS = 4L * 512 * 512;

    /**
     * @param modelsDir      directory holding the models
     * @param cacheGigabytes weights kept loaded, at least one model
     */
    public DiffusionGenerator(Path modelsDir, double cacheGigabytes) {
        this(modelsDir, cacheGigabytes, Device.cpu());
    }

    /** @param device where weights and activations live (see {@link Devices#parse(String)}) */
    public DiffusionGenerator(Path modelsDir, double cacheGigabytes, Device device) {
        this(modelsDir, cacheGigabytes, device, DEFAULT_BATCH_PIXELS);
    }

    /**
     * @param batchPixels width x height x images that run in one batch at most (bounds activation memory);
     *                    larger requests run in sub-batches, an image larger than the budget alone
     */
    public DiffusionGenerator(Path modelsDir, double cacheGigabytes, Device device, long batchPixels) {
        this(modelsDir, cacheGigabytes, device, batchPixels, SafetyCheckerFolder.shared(modelsDir));
    }

    /**
     * @param sharedChecker the checker for models without their own (by default {@code <modelsDir>/safety-checker}
     *                      when it exists); without one their images are UNCHECKED
     */
    public DiffusionGenerator(Path modelsDir, double cacheGigabytes, Device device, long batchPixels,
                              Optional<SafetyCheckerFolder> sharedChecker) {
        this(modelsDir, cacheGigabytes, device, Precision.AUTO, batchPixels, sharedChecker);
    }

    /**
     * @param precision the worker's precision ({@code SDBOT_PRECISION})
     * @throws IllegalArgumentException when the precision cannot run on {@code device}
     */
    public DiffusionGenerator(Path modelsDir, double cacheGigabytes, Device device, Precision precision, long batchPixels,
                              Optional<SafetyCheckerFolder> sharedChecker) {
        this(new ModelDirectory(modelsDir)::models, LoraLibrary.inModels(modelsDir), UpscalerLibrary.inModels(modelsDir),
                modelsDir.toString(), cacheGigabytes, device, precision.computeType(device), batchPixels, sharedChecker);
        this.controlNets = ControlNetLibrary.inModels(modelsDir)::controlNets;
    }

    private DiffusionGenerator(Supplier<Map<String, Path>> models, LoraLibrary loras, UpscalerLibrary upscalers, String source,
                               double cacheGigabytes, Device device, DataType computeType, long batchPixels,
                               Optional<SafetyCheckerFolder> sharedChecker) {
        if (batchPixels < 1) {
            throw new IllegalArgumentException("the batch pixel budget must be positive, got " + batchPixels);
        }
        this.models = models;
        this.loras = loras;
        this.upscalers = upscalers;
        this.controlNets = Map::of;
        this.embeddings = EmbeddingLibrary.inModels(loras.folder().getParent());
        this.source = source;
        this.device = device;
        this.computeType = computeType;
        this.batchPixels = batchPixels;
        this.sharedChecker = sharedChecker.map(f -> new SharedSafetyChecker(f, device)).orElse(null);
        this.cache = new ModelCache((long) (cacheGigabytes * (1L << 30)), device, this::load);
    }

    /**
     * A generator for one checkpoint (file or diffusers folder) anywhere on disk, offered under {@code name}; no
     * shared checker.
     */
    public static DiffusionGenerator forCheckpoint(String name, Path checkpoint, Device device) {
        return forCheckpoint(name, checkpoint, device, DEFAULT_BATCH_PIXELS, Optional.empty());
    }

    /** As {@link #forCheckpoint(String, Path, Device)} with a batch pixel budget and a shared checker. */
    public static DiffusionGenerator forCheckpoint(String name, Path checkpoint, Device device, long batchPixels,
                                                   Optional<SafetyCheckerFolder> sharedChecker) {
        return forCheckpoint(name, checkpoint, device, Precision.AUTO, batchPixels, sharedChecker);
    }

    /** As above, computing in {@code precision} (refused where it cannot run on {@code device}). */
    public static DiffusionGenerator forCheckpoint(String name, Path checkpoint, Device device, Precision precision,
                                                   long batchPixels, Optional<SafetyCheckerFolder> sharedChecker) {
        Map<String, Path> one = Map.of(name, checkpoint);
        Path folder = checkpoint.toAbsolutePath().getParent();
        return new DiffusionGenerator(() -> one, LoraLibrary.inModels(folder), UpscalerLibrary.inModels(folder),
                checkpoint.toString(), 1, device, precision.computeType(device), batchPixels, sharedChecker);
    }

    /** Where the ControlNets of requests come from (by default {@code <modelsDir>/controlnet}; none for one checkpoint). */
    public void setControlNets(Supplier<Map<String, Path>> source) {
        this.controlNets = source;
    }

    /** Names of the ControlNets a request can use ({@code <models>/controlnet/NAME}). */
    @Override
    public Set<String> availableControlNets() {
        return new TreeSet<>(controlNets.get().keySet());
    }

    /** Read from each ControlNet's config or header ({@link ControlNetLibrary#family}). */
    @Override
    public Map<String, ModelFamily> controlNetFamilies() {
        Map<String, ModelFamily> families = new TreeMap<>();
        controlNets.get().forEach((name, path) -> ControlNetLibrary.family(path).ifPresent(f -> families.put(name, f)));
        return families;
    }

    /** When the VAE works in tiles (default {@link VaeTiling#DEFAULT}); applies to the requests that start later. */
    public void setVaeTiling(VaeTiling tiling) {
        this.vaeTiling = tiling;
    }

    /**
     * Where the textual-inversion embeddings are (default {@code embeddings/} beside the LoRA folder); applies to the
     * requests that start later.
     */
    public void setEmbeddingsDir(Path dir) {
        this.embeddings = new EmbeddingLibrary(dir);
    }

    /** Names of the textual-inversion embeddings a prompt can use ({@code <models>/embeddings/NAME.safetensors}). */
    @Override
    public Set<String> availableEmbeddings() {
        return embeddings.files().keySet();
    }

    /** Told from each embedding's vector widths ({@link dev.sdbot.inference.embedding.Embedding#family()}). */
    @Override
    public Map<String, ModelFamily> embeddingFamilies() {
        return embeddings.families();
    }

    /** Names of the LoRAs a prompt can use ({@code <models>/lora/NAME.safetensors}). */
    @Override
    public Set<String> availableLoras() {
        return loras.loras().keySet();
    }

    /** Told from each LoRA file's tensor names ({@link LoraArchitecture}). */
    @Override
    public Map<String, ModelFamily> loraFamilies() {
        Map<String, ModelFamily> families = new TreeMap<>();
        loras.loras().forEach((name, path) -> LoraArchitecture.of(path).ifPresent(f -> families.put(name, f)));
        return families;
    }

    /** The ESRGAN-family upscalers in {@code <models>/upscalers} whose architecture their header tells. */
    @Override
    public Map<String, Integer> upscalers() {
        return upscalers.scales();
    }

    public Device device() {
        return device;
    }

    public DataType computeType() {
        return computeType;
    }

    @Override
    public Set<String> availableModels() {
        return models.get().keySet();
    }

    /** Read from each checkpoint's header or configs (no weights); a model that cannot be read is left out. */
    @Override
    public Map<String, ModelFamily> modelFamilies() {
        Map<String, ModelFamily> families = new TreeMap<>();
        inspectedModels().forEach((name, info) -> families.put(name, info.family()));
        return families;
    }

    /** Each model read from its header or configs (no weights); a model that cannot be read is left out. */
    private Map<String, ModelInspector.ModelInfo> inspectedModels() {
        Map<String, ModelInspector.ModelInfo> infos = new TreeMap<>();
        models.get().forEach((name, path) -> {
            try {
                infos.put(name, ModelInspector.inspect(path));
            } catch (RuntimeException e) {
                // generating with it reports why it does not load
            }
        });
        return infos;
    }

    /** Each model's sidecar defaults (nothing loaded); an unreadable or out-of-range sidecar as its problem. */
    @Override
    public Map<String, ModelPreset> modelPresets() {
        Map<String, ModelPreset> presets = new TreeMap<>();
        models.get().forEach((name, path) -> {
            ModelPreset preset;
            try {
                preset = ModelDefaults.read(path).preset();
            } catch (IllegalArgumentException e) {
                preset = ModelPreset.invalid(e.getMessage());
            }
            if (!preset.isEmpty()) {
                presets.put(name, preset);
            }
        });
        return presets;
    }

    /** Read from each checkpoint's header or configs (no weights); a model that cannot be read is left out. */
    @Override
    public Set<String> inpaintingModels() {
        Set<String> inpainting = new TreeSet<>();
        inspectedModels().forEach((name, info) -> {
            if (info.inpainting()) {
                inpainting.add(name);
            }
        });
        return inpainting;
    }

    /** Read from each checkpoint's configs or family (no weights); a model that cannot be read is left out. */
    @Override
    public Map<String, Integer> nativeSides() {
        Map<String, Integer> sides = new TreeMap<>();
        inspectedModels().forEach((name, info) -> sides.put(name, info.nativeSide()));
        return sides;
    }

    @Override
    public Set<String> loadedModels() {
        return cache.loaded().stream().filter(key -> !PromptLoras.isMergedKey(key))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** Without a shared checker: the models that carry none of their own (told from their files, nothing loaded). */
    @Override
    public Set<String> uncheckedModels() {
        if (sharedChecker != null) {
            return Set.of();
        }
        return models.get().entrySet().stream().filter(e -> !ModelFiles.hasSafetyChecker(e.getValue()))
                .map(Map.Entry::getKey).collect(Collectors.toCollection(TreeSet::new));
    }

    @Override
    public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
        long started = System.nanoTime();
        checkValid(request);
        if (request.isUpscale()) {
            return upscale(request, listener, started);
        }
        List<ControlNetUnit> controls = request.controls();
        List<Path> controlWeights = ControlUnits.weights(controls, controlNets.get());
        List<RgbImage> controlImages = ControlUnits.images(controls);
        PromptLoras loras = PromptLoras.of(request.prompt(), this.loras);
        InitImages initImages = InitImages.of(request);
        long baseSeed = request.seed() != null ? request.seed() : SeededNoise.randomSeed();
        if (request.hasVariation() && request.variationSeed() == null) {
            request = request.withVariation(SeededNoise.randomSeed(), request.variationStrength()); // A1111's -1
        }
        List<GeneratedImage> images = new ArrayList<>();
        try (ModelCache.Lease lease = acquire(request.model(), loras);
             NDManager manager = NDManager.newBaseManager(device)) {
            DiffusionModel model = lease.model();
            checkFits(request, model);
            ControlGuide control = ControlUnits.guide(request, controlWeights, controlImages, model, computeType, manager);
            String controlText = ControlUnits.infotext(controls,
                    controlWeights.stream().map(ControlUnits::legacyHash).toList());
            int callsPerStep = Samplers.create(request.sampler(), model.scheduler(), request.steps()).modelCallsPerStep();
            // ControlNet's guess mode needs both guidance halves in one batch, so it pads as diffusers does
            boolean padConds = model.defaults().padConds() || !control.isEmpty();
            ScheduledPrompts firstPass = ScheduledPrompts.firstPass(loras.text(), request.negativePrompt(),
                    request.steps(), callsPerStep);
            PromptEmbeddings promptEmbeddings = PromptEmbeddings.resolve(embeddings, model.text(), request.model(),
                    encodedTexts(request, loras.text()));
            String tiHashes = promptEmbeddings.tiHashes(model.text().tokenizer(), firstPass.negativeTexts(),
                    firstPass.promptTexts(), model.text().encoderCount());
            StableDiffusionPipeline pipeline = new StableDiffusionPipeline(model, vaeTiling, promptEmbeddings);
            int clipSkip = clipSkip(request, model);
            ConditioningSchedule context = firstPass.encode(pipeline, manager, request.cfgScale(), clipSkip, padConds);
            ScheduledPrompts hiresPass = request.hires() == null ? null : ScheduledPrompts.hiresPass(loras.text(),
                    request.negativePrompt(), request.steps(), request.hires().steps(request.steps()), callsPerStep);
            ConditioningSchedule hiresContext = hiresPass == null ? null
                    : hiresPass.encode(pipeline, manager, request.cfgScale(), clipSkip, padConds);
            String extraText = GenerationParameters.extraField("TI hashes", tiHashes) + controlText
                    + (firstPass.pads(pipeline, request.cfgScale(), padConds)
                    || hiresPass != null && hiresPass.pads(pipeline, request.cfgScale(), padConds)
                    ? ", Pad conds: True" : "");
            ImageUpscaler hiresNet = request.hires() != null && request.hires().upscaler().isModel()
                    ? ImageUpscaler.load(upscalers.resolve(request.hires().upscaler().model()), manager) : null;
            int[] batches = subBatches(request.count(), request.outputWidth(), request.outputHeight(), batchPixels);
            int[] calls = passCalls(request, model);
            int perBatch = calls[0] + calls[1];
            int done = 0;
            for (int b = 0; b < batches.length; b++) {
                long seed = request.imageSeed(baseSeed, done);
                long variationSeed = variationSeed(request) + done;
                try (NDManager batchManager = manager.newSubManager()) {
                    NDArray latents = denoiseBatch(pipeline, request, context, initImages.init(), initImages.mask(),
                            seed, batches[b], batchManager, new ProgressAdapter(listener, started,
                                    b * perBatch, batches.length * perBatch, model), control, variationSeed);
                    if (request.hires() != null) {
                        latents = HiresPass.run(pipeline, request, hiresContext, latents, seed, variationSeed,
                                batchManager, hiresNet,
                                new ProgressAdapter(listener, started, b * perBatch + calls[0],
                                        batches.length * perBatch, model));
                    }
                    images.addAll(finish(checkerFor(model), request,
                            overlay(ImageTensors.toImages(pipeline.decode(latents)), initImages), seed, variationSeed,
                            loras.hashes(), modelHash(request.model()), extraText));
                }
                done += batches[b];
            }
        } catch (LoraMismatchException e) {
            throw new InvalidRequestException("LoRA '" + e.lora() + "' does not fit model '" + request.model() + "': "
                    + e.getMessage());
        } catch (CheckpointException e) {
            throw new GenerationException("model '" + request.model() + "' cannot be loaded: " + e.getMessage(), e);
        } catch (EngineException | IllegalStateException | IllegalArgumentException e) {
            throw new GenerationException("generation failed: " + e.getMessage(), e);
        }
        return new GenerationResult(images, Duration.ofNanos(System.nanoTime() - started).toMillis());
    }

    /** Every text the engine may encode for the request: each schedule text of the prompt and negative prompt. */
    private static Set<String> encodedTexts(GenerationRequest request, String prompt) {
        int hiresSteps = request.hires() == null ? 0 : request.hires().steps(request.steps());
        Set<String> texts = new LinkedHashSet<>(PromptSchedules.texts(prompt, request.steps(), hiresSteps));
        texts.addAll(PromptSchedules.texts(request.negativePrompt(), request.steps(), hiresSteps));
        return texts;
    }

    /**
     * The model, or a copy with the LoRAs merged, cached under model + tags + file hashes: merged weights never
     * reach the plain model, and a changed LoRA file is a new entry. Each copy counts fully against the cache budget.
     */
    private ModelCache.Lease acquire(String model, PromptLoras loras) {
        if (loras.files().isEmpty()) {
            return cache.acquire(model);
        }
        return cache.acquire(loras.cacheKey(model), manager -> load(model, manager, loras.files()));
    }

    /**
     * An upscale job: the network on the image, then the shared safety checker, else the checker of the image's own
     * model when this engine has it, else none (UNCHECKED).
     */
    private GenerationResult upscale(GenerationRequest request, ProgressListener listener, long started)
            throws GenerationException {
        try (NDManager manager = NDManager.newBaseManager(device)) {
            Path file = upscalers.resolve(request.upscaler());
            GeneratedImage image;
            if (sharedChecker != null || !availableModels().contains(request.model())) {
                image = UpscaleRun.run(request, file, sharedChecker == null ? null : sharedChecker.get(), manager,
                        listener, started);
            } else {
                try (ModelCache.Lease lease = cache.acquire(request.model())) {
                    image = UpscaleRun.run(request, file, lease.model().safetyChecker(), manager, listener, started);
                }
            }
            return new GenerationResult(List.of(image), Duration.ofNanos(System.nanoTime() - started).toMillis());
        } catch (CheckpointException e) {
            throw new GenerationException("upscaler '" + request.upscaler() + "' cannot be loaded: " + e.getMessage(), e);
        } catch (EngineException | IllegalStateException | IllegalArgumentException e) {
            throw new GenerationException("upscale failed: " + e.getMessage(), e);
        }
    }

    /**
     * The request's {@link GenerationRequest#problems()}, then whether this engine has its model and the upscaler
     * it names (an upscale job's or its hires fix's).
     */
    private void checkValid(GenerationRequest request) throws InvalidRequestException {
        List<String> problems = request.problems();
        if (!problems.isEmpty()) {
            throw new InvalidRequestException(String.join("; ", problems));
        }
        String upscaler = request.isUpscale() ? request.upscaler()
                : request.hires() != null && request.hires().upscaler().isModel() ? request.hires().upscaler().model()
                : null;
        if (upscaler != null) {
            try {
                upscalers.resolve(upscaler);
            } catch (IllegalArgumentException e) { // the message lists what there is
                throw new InvalidRequestException(e.getMessage());
            }
        }
        if (request.isUpscale()) {
            return;
        }
        Set<String> models = availableModels();
        if (!models.contains(request.model())) {
            throw new InvalidRequestException("unknown model '" + request.model() + "'; available: " + models);
        }
    }

    private static void checkFits(GenerationRequest request, DiffusionModel model) throws InvalidRequestException {
        if (model.inpainting() && !request.isInpainting()) {
            throw new InvalidRequestException("model '" + request.model()
                    + "' is an inpainting model: it needs an init image and a mask");
        }
        int maxClipSkip = model.text().maxClipSkip();
        if (clipSkip(request, model) > maxClipSkip) {
            throw new InvalidRequestException("clip skip " + request.clipSkip() + " exceeds the largest clip skip ("
                    + maxClipSkip + ") of the text encoder of '" + request.model() + "'");
        }
    }

    /**
     * The clip skip the text encoder applies: A1111's {@code CLIP_stop_at_last_layers} reaches SD 1.x's CLIP only;
     * SD 2.x (OpenCLIP, already its penultimate layer) and SDXL ignore it, as A1111 does by default (its infotext
     * still records it, and so does this one).
     */
    static int clipSkip(GenerationRequest request, DiffusionModel model) {
        return model.family() == ModelFamily.SD1 ? request.clipSkip() : 1;
    }

    /** Sizes of the sub-batches, as even as possible, each within {@code batchPixels} (but at least one image). */
    static int[] subBatches(int count, int width, int height, long batchPixels) {
        int perBatch = (int) Math.max(1, Math.min(count, batchPixels / ((long) width * height)));
        int batches = (count + perBatch - 1) / perBatch;
        int[] sizes = new int[batches];
        for (int b = 0; b < batches; b++) {
            sizes[b] = count / batches + (b < count % batches ? 1 : 0);
        }
        return sizes;
    }

    /**
     * The first pass's sampler and the call it starts at: 0 for txt2img, else A1111's img2img start
     * ({@link DenoiseSteps#img2img}).
     */
    private static SamplerPass firstPass(GenerationRequest request, DiffusionModel model)
            throws InvalidRequestException {
        if (!request.isImg2Img()) {
            return new SamplerPass(Samplers.create(request.sampler(), model.scheduler(), request.steps()), 0);
        }
        SamplerPass pass = Samplers.pass(request.sampler(), model.scheduler(),
                DenoiseSteps.img2img(request.steps(), request.strength()));
        if (pass.calls() <= 0) {
            // DPM++ drops repeated timesteps, and A1111's DDIM/PLMS run one call fewer than their steps, so a few
            // steps may be no model call at all
            throw new InvalidRequestException("strength " + request.strength() + " leaves no denoising step of "
                    + request.sampler().displayName() + " at " + request.steps() + " steps; raise the strength");
        }
        return pass;
    }

    /** Model calls of one image's passes (first, then hires): what progress counts. */
    private static int[] passCalls(GenerationRequest request, DiffusionModel model) throws InvalidRequestException {
        return new int[] {firstPass(request, model).calls(),
                request.hires() == null ? 0 : HiresPass.calls(request, model)};
    }

    /** Final latents (images, C, h, w) of images with seeds firstSeed, firstSeed + 1, ... denoised as one batch. */
    static NDArray denoiseBatch(StableDiffusionPipeline pipeline, GenerationRequest request, ConditioningSchedule context,
                                RgbImage init, GrayImage mask, long firstSeed, int images, NDManager manager,
                                StepListener listener) throws GenerationException {
        return denoiseBatch(pipeline, request, context, init, mask, firstSeed, images, manager, listener,
                ControlGuide.NONE, variationSeed(request));
    }

    /** The request's variation seed, 0 when it has none (then unused). */
    private static long variationSeed(GenerationRequest request) {
        return request.variationSeed() == null ? 0 : request.variationSeed();
    }

    /**
     * @param firstSeed          the seed of the batch's first image ({@link GenerationRequest#imageSeed})
     * @param firstVariationSeed the variation seed of the batch's first image (image i: + i), unused without variation
     */
    static NDArray denoiseBatch(StableDiffusionPipeline pipeline, GenerationRequest request, ConditioningSchedule context,
                                RgbImage init, GrayImage mask, long firstSeed, int images, NDManager manager,
                                StepListener listener, ControlGuide control, long firstVariationSeed)
            throws GenerationException {
        DiffusionModel model = pipeline.model();
        SamplerPass pass = firstPass(request, model);
        DiffusionSampler sampler = pass.sampler();
        int start = pass.start();
        int f = model.downscaleFactor();
        Shape latentShape = new Shape(1, model.latentChannels(), request.height() / f, request.width() / f);
        int stepDraws = sampler.usesStepNoise() ? sampler.timesteps().length - start : 0;
        boolean inpaint = mask != null;
        boolean encodesImage = init != null && (!inpaint || !model.inpainting() || !sampler.startsFromNoise(start));
        List<ImageNoise> perImage = new ArrayList<>(images);
        for (int i = 0; i < images; i++) {
            perImage.add(ImageNoise.ofImage(manager, request, firstSeed, firstVariationSeed, i, latentShape,
                    encodesImage, inpaint, stepDraws));
        }
        ImageNoise noise = ImageNoise.batch(perImage);
        if (inpaint) {
            return pipeline.inpaint(context, request.cfgScale(), sampler, ImageTensors.toTensor(init, manager),
                    Masks.toTensor(mask, manager), start, noise, listener);
        }
        if (init != null) {
            return pipeline.img2img(context, request.cfgScale(), sampler, ImageTensors.toTensor(init, manager),
                    start, noise, listener);
        }
        return pipeline.txt2img(context, request.cfgScale(), sampler, noise, listener, control);
    }

    /** A1111's {@code Model hash} of a checkpoint file (hashed once per file version), null for a diffusers folder. */
    private String modelHash(String model) {
        Path path = models.get().get(model);
        return path != null && Files.isRegularFile(path) ? FileHashes.modelHash(path) : null;
    }

    /**
     * Inpainting keeps the unmasked pixels of the init image exactly, as A1111 does (its overlay): diffusers' pipelines
     * return them after a VAE round trip, slightly changed, which outpainting would show as a visible frame.
     */
    private static List<RgbImage> overlay(List<RgbImage> decoded, InitImages initImages) {
        if (initImages.mask() == null) {
            return decoded;
        }
        return decoded.stream().map(image -> Masks.overlay(image, initImages.init(), initImages.mask())).toList();
    }

    /** The model's own checker, else the shared one, else null. */
    private SafetyChecker checkerFor(DiffusionModel model) {
        if (model.safetyChecker() != null) {
            return model.safetyChecker();
        }
        return sharedChecker == null ? null : sharedChecker.get();
    }

    /**
     * Safety verdicts for the whole batch at once (UNCHECKED without a checker), then one PNG per image (seeds
     * firstSeed, firstSeed + 1...).
     */
    private static List<GeneratedImage> finish(SafetyChecker checker, GenerationRequest request, List<RgbImage> rgbs,
                                               long firstSeed, long firstVariationSeed, String loraHashes,
                                               String modelHash, String controlText) {
        List<SafetyResult> verdicts = checker == null ? null : checker.check(rgbs);
        List<GeneratedImage> images = new ArrayList<>(rgbs.size());
        for (int i = 0; i < rgbs.size(); i++) {
            long seed = request.imageSeed(firstSeed, i);
            float[] scores = verdicts == null ? new float[0] : verdicts.get(i).conceptScores();
            SafetyVerdict safety = verdicts == null ? SafetyVerdict.UNCHECKED : SafetyVerdict.decide(scores, 0);
            String parameters = GenerationParameters.of(request, seed, loraHashes, modelHash)
                    .withVariationSeed(firstVariationSeed + i).toInfotext() + controlText;
            byte[] png = ImageCodec.encodePng(rgbs.get(i), Map.of(GenerationParameters.PNG_KEY, parameters));
            images.add(new GeneratedImage(png, seed, safety, scores));
        }
        return images;
    }

    private ModelCache.Loaded load(String name, NDManager manager) {
        return load(name, manager, List.of());
    }

    private ModelCache.Loaded load(String name, NDManager manager, List<LoraFile> loraFiles) {
        Path path = models.get().get(name);
        if (path == null) {
            throw new CheckpointException("model '" + name + "' is no longer in " + source);
        }
        return ModelLoader.loadCounting(path, manager, computeType, loraFiles);
    }

    @Override
    public void close() {
        cache.close();
        if (sharedChecker != null) {
            sharedChecker.close();
        }
    }

    /**
     * Progress over the request: one step is a model call for all images of a sub-batch, so the total is the calls
     * of the first pass and the hires pass times the sub-batches. The preview shows the sub-batch's first image.
     * Cancellation between steps.
     */
    private static final class ProgressAdapter implements StepListener {
        private final ProgressListener listener;
        private final long started;
        private final int offset;
        private final int overallTotal;
        private final TinyVae tinyVae;
        private final boolean sdxl;

        /**
         * @param offset       the request's steps done before this pass
         * @param overallTotal the request's steps in all
         * @param model        its tiny VAE renders the previews when it has one, else they are A1111's cheap
         *                     approximation for the model's family
         */
        ProgressAdapter(ProgressListener listener, long started, int offset, int overallTotal, DiffusionModel model) {
            this.listener = listener;
            this.started = started;
            this.offset = offset;
            this.overallTotal = overallTotal;
            this.tinyVae = model.tinyVae();
            this.sdxl = model.family() == ModelFamily.SDXL;
        }

        private byte[] preview(NDArray latents) {
            if (tinyVae == null) {
                return LatentPreview.png(latents, sdxl);
            }
            try (NDArray image = tinyVae.decode(latents.get("0:1"))) {
                return ImageCodec.encodePng(ImageTensors.toImages(image).get(0));
            }
        }

        @Override
        public void onStep(int done, int total, NDArray latents) throws GenerationCancelledException {
            int overall = offset + done;
            if (done > 0) {
                byte[] preview = listener.wantsPreview(overall, overallTotal) ? preview(latents) : null;
                listener.onProgress(new Progress(overall, overallTotal,
                        Duration.ofNanos(System.nanoTime() - started), preview));
            }
            if (overall < overallTotal && listener.isCancelled()) {
                throw new GenerationCancelledException(overall);
            }
        }
    }
}
