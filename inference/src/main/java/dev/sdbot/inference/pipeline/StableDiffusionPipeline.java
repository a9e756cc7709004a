package dev.sdbot.inference.pipeline;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.GenerationCancelledException;
import dev.sdbot.inference.nn.Scope;
import dev.sdbot.inference.sampling.DiffusionSampler;
import dev.sdbot.inference.sampling.NoiseSource;
import dev.sdbot.inference.unet.AddedConditioning;
import dev.sdbot.inference.unet.ControlResiduals;
import dev.sdbot.inference.vae.LatentDistribution;
import dev.sdbot.inference.text.PromptSchedules;
import dev.sdbot.inference.vae.VaeTiling;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;


/**
 * diffusers' StableDiffusion txt2img / img2img / inpaint pipelines (0.21) for a batch of N images:
 * classifier-free guidance with the UNet batch [uncond x N, cond x N] and {@code eps = eu + g (ec - eu)},
 * start latents {@code noise * init_noise_sigma} (or the noised init image), decode {@code latents / scaling}.
 * All randomness comes in as {@link ImageNoise} whose first axis is the batch ({@link ImageNoise#batch}), so
 * a run is a pure function of its inputs and image i is the same as when generated alone.
 */
public final class StableDiffusionPipeline {
    private final DiffusionModel model;
    private final VaeTiling vaeTiling;
    private final PromptEmbeddings embeddings;

    public StableDiffusionPipeline(DiffusionModel model) {
        this(model, VaeTiling.DEFAULT);
    }

    /** @param vaeTiling when the VAE works in tiles (large images) */
    public StableDiffusionPipeline(DiffusionModel model, VaeTiling vaeTiling) {
        this(model, vaeTiling, PromptEmbeddings.NONE);
    }

    /** @param embeddings the textual-inversion embeddings whose names the prompts may hold */
    StableDiffusionPipeline(DiffusionModel model, VaeTiling vaeTiling, PromptEmbeddings embeddings) {
        this.model = model;
        this.vaeTiling = vaeTiling;
        this.embeddings = embeddings;
    }

    public DiffusionModel model() {
        return model;
    }

    /** Guidance needs the unconditional pass only above 1, as in diffusers. */
    public static boolean guided(double guidance) {
        return guidance > 1.0;
    }

    /**
     * Index of the first timestep for img2img/inpainting at {@code strength}: diffusers'
     * {@code steps - min(int(steps * strength), steps)}.
     */
    public static int startIndex(int steps, double strength) {
        int initTimestep = Math.min((int) (steps * strength), steps);
        return Math.max(steps - initTimestep, 0);
    }

    /**
     * Text conditioning: (2, L, D) = [negative, prompt] when guided, else (1, L, D) for the prompt; for SDXL with
     * the pooled embeddings in the same order. Prompts use A1111's attention syntax and any length
     * ({@link TextConditioner}): L is 77 per chunk. The shorter of the two is padded with empty-prompt chunks only
     * when {@code padConds} (A1111's "Pad conds"); otherwise the two are kept apart ({@link Conditioning#split}).
     * The texts are taken as they are (no prompt editing: {@link #encodeSchedule}).
     *
     * @throws IllegalArgumentException for a malformed attention weight such as {@code (cat:1.2.3)}
     */
    public Conditioning encodePrompt(NDManager manager, String prompt, String negativePrompt, double guidance,
                                     int clipSkip, boolean padConds) {
        return encodeSchedule(manager, List.of(new PromptSchedules.Entry(1, prompt)),
                List.of(new PromptSchedules.Entry(1, negativePrompt)), guidance, clipSkip, padConds).at(0);
    }

    /** {@link #encodePrompt} with both halves padded to one length, as diffusers' pipelines need. */
    public Conditioning encodePrompt(NDManager manager, String prompt, String negativePrompt, double guidance,
                                     int clipSkip) {
        return encodePrompt(manager, prompt, negativePrompt, guidance, clipSkip, true);
    }

    /**
     * {@link #encodePrompt} per segment of A1111's prompt-editing schedules of the prompt and the negative prompt
     * (the negative one only when guided). Each distinct text is encoded once. A1111 encodes a schedule's texts as
     * one batch, so the prompt's texts are padded to the largest chunk count among them, and so are the negative
     * prompt's among theirs; the two are padded to each other only with {@code padConds}.
     */
    public ConditioningSchedule encodeSchedule(NDManager manager, List<PromptSchedules.Entry> prompt,
                                               List<PromptSchedules.Entry> negativePrompt, double guidance,
                                               int clipSkip, boolean padConds) {
        TextConditioner text = model.text();
        boolean guided = guided(guidance);
        TreeSet<Integer> ends = new TreeSet<>();
        int promptChunks = 1;
        for (PromptSchedules.Entry e : prompt) {
            ends.add(e.endAtStep());
            promptChunks = Math.max(promptChunks, text.chunkCount(e.text(), embeddings));
        }
        int negativeChunks = 1;
        if (guided) {
            for (PromptSchedules.Entry e : negativePrompt) {
                ends.add(e.endAtStep());
                negativeChunks = Math.max(negativeChunks, text.chunkCount(e.text(), embeddings));
            }
        }
        int promptPadded = padConds ? Math.max(promptChunks, negativeChunks) : promptChunks;
        int negativePadded = padConds ? promptPadded : negativeChunks;
        Map<String, Conditioning> conditional = new HashMap<>();
        Map<String, Conditioning> unconditional = new HashMap<>();
        List<Conditioning> segments = new ArrayList<>(ends.size());
        for (int end : ends) {
            Conditioning c = conditional.computeIfAbsent(PromptSchedules.textAt(prompt, end),
                    t -> text.encode(manager, t, promptPadded, clipSkip, embeddings));
            if (guided) {
                c = Conditioning.guided(unconditional.computeIfAbsent(PromptSchedules.textAt(negativePrompt, end),
                        t -> text.unconditional(manager, t, negativePadded, clipSkip, embeddings)), c);
            }
            segments.add(c);
        }
        return ConditioningSchedule.of(ends.stream().mapToInt(Integer::intValue).toArray(), segments);
    }

    /** Whether A1111 writes "Pad conds: True": asked for, and the prompt and negative prompt differ in chunks. */
    public boolean padsConds(List<PromptSchedules.Entry> prompt, List<PromptSchedules.Entry> negativePrompt,
                             double guidance, boolean padConds) {
        if (!padConds || !guided(guidance)) {
            return false;
        }
        TextConditioner text = model.text();
        int p = prompt.stream().mapToInt(e -> text.chunkCount(e.text(), embeddings)).max().orElse(1);
        int n = negativePrompt.stream().mapToInt(e -> text.chunkCount(e.text(), embeddings)).max().orElse(1);
        return Math.max(p, 1) != Math.max(n, 1);
    }

    /**
     * @param context {@link #encodePrompt} of one prompt pair, shared by all images of the batch
     * @return (N, C, h, w) latents, N the batch size of {@code noise}
     */
    public NDArray txt2img(Conditioning context, double guidance, DiffusionSampler sampler, ImageNoise noise,
                           StepListener listener) throws GenerationCancelledException {
        return txt2img(ConditioningSchedule.constant(context), guidance, sampler, noise, listener);
    }

    /** txt2img of one conditioning guided by ControlNets. */
    public NDArray txt2img(Conditioning context, double guidance, DiffusionSampler sampler, ImageNoise noise,
                           StepListener listener, ControlGuide control) throws GenerationCancelledException {
        return txt2img(ConditioningSchedule.constant(context), guidance, sampler, noise, listener, control);
    }

    /** {@link #txt2img} with the conditioning switched per model call. */
    public NDArray txt2img(ConditioningSchedule context, double guidance, DiffusionSampler sampler, ImageNoise noise,
                           StepListener listener) throws GenerationCancelledException {
        return txt2img(context, guidance, sampler, noise, listener, ControlGuide.NONE);
    }

    /** txt2img guided by ControlNets ({@link ControlGuide}), as diffusers' StableDiffusionControlNetPipeline. */
    public NDArray txt2img(ConditioningSchedule context, double guidance, DiffusionSampler sampler, ImageNoise noise,
                           StepListener listener, ControlGuide control) throws GenerationCancelledException {
        NDArray latents = noise.noise().mul(sampler.initNoiseSigma());
        return denoise(loop(context, guidance, sampler, 0, noise, listener, control), latents, null);
    }

    /**
     * @param image (1, 3, H, W) in [-1, 1], encoded once for the whole batch
     * @param start {@link #startIndex} of the strength
     */
    public NDArray img2img(Conditioning context, double guidance, DiffusionSampler sampler, NDArray image, int start,
                           ImageNoise noise, StepListener listener) throws GenerationCancelledException {
        return img2img(ConditioningSchedule.constant(context), guidance, sampler, image, start, noise, listener);
    }

    /** {@link #img2img} with the conditioning switched per model call (counted from the first call it runs). */
    public NDArray img2img(ConditioningSchedule context, double guidance, DiffusionSampler sampler, NDArray image,
                           int start, ImageNoise noise, StepListener listener) throws GenerationCancelledException {
        return refine(context, guidance, sampler, encode(image, noise.imageEncodeNoise()), start, noise, listener);
    }

    /**
     * img2img from latents (already scaled): noised to timestep {@code start}, then denoised; the second pass of a
     * hires fix with a latent upscaler.
     */
    public NDArray refine(ConditioningSchedule context, double guidance, DiffusionSampler sampler, NDArray init, int start,
                          ImageNoise noise, StepListener listener) throws GenerationCancelledException {
        NDArray latents = sampler.addNoise(init, noise.noise(), start);
        return denoise(loop(context, guidance, sampler, start, noise, listener), latents, null);
    }

    /**
     * Repaints where {@code mask} is 1. A 9-channel inpainting UNet sees the mask and the masked image's
     * latents; an ordinary UNet gets the known region blended back after every step.
     *
     * @param image (1, 3, H, W) in [-1, 1]
     * @param mask  (1, 1, H, W) of 0/1
     * @param start {@link #startIndex} of the strength (0 = start from pure noise)
     */
    public NDArray inpaint(Conditioning context, double guidance, DiffusionSampler sampler, NDArray image, NDArray mask,
                           int start, ImageNoise noise, StepListener listener) throws GenerationCancelledException {
        return inpaint(ConditioningSchedule.constant(context), guidance, sampler, image, mask, start, noise, listener);
    }

    /** {@link #inpaint} with the conditioning switched per model call. */
    public NDArray inpaint(ConditioningSchedule context, double guidance, DiffusionSampler sampler, NDArray image,
                           NDArray mask, int start, ImageNoise noise, StepListener listener)
            throws GenerationCancelledException {
        Shape latentShape = noise.noise().getShape();
        NDArray maskLatent = resizeNearest(mask, (int) latentShape.get(2), (int) latentShape.get(3));
        boolean fromNoise = sampler.startsFromNoise(start);
        boolean nineChannel = model.inpainting();
        NDArray imageLatents = fromNoise && nineChannel ? null : encode(image, noise.imageEncodeNoise());
        NDArray latents = fromNoise ? noise.noise().mul(sampler.initNoiseSigma())
                : sampler.addNoise(imageLatents, noise.noise(), start);
        Loop loop = loop(context, guidance, sampler, start, noise, listener);
        if (nineChannel) {
            NDArray masked = image.mul(mask.lt(0.5f).toType(image.getDataType(), false));
            NDArray maskedLatents = encode(masked, noise.maskedEncodeNoise());
            NDArray extra = NDArrays.concat(new NDList(maskLatent.broadcast(batchShape(maskLatent, latents)),
                    maskedLatents), 1);
            return denoise(loop, latents, guided(guidance) ? NDArrays.concat(new NDList(extra, extra), 0) : extra);
        }
        return denoiseBlended(loop, latents, imageLatents, noise.noise(), maskLatent);
    }

    /** Latents (already multiplied by the scaling factor) to (N, 3, H, W) images in about [-1, 1]. */
    public NDArray decode(NDArray latents) {
        if (model.defaults().decodesWithTinyVae()) {
            return model.tinyVae().decode(latents);
        }
        return vaeTiling.decode(model.vae(), latents.div(model.scalingFactor()));
    }

    /** One VAE encode of {@code image}, sampled with each image's own noise (N, C, h, w). */
    private NDArray encode(NDArray image, NDArray encodeNoise) {
        LatentDistribution d = vaeTiling.encode(model.vae(), image);
        if (!d.mean().getShape().equals(encodeNoise.getShape())) {
            d = new LatentDistribution(d.mean().broadcast(encodeNoise.getShape()),
                    d.logvar().broadcast(encodeNoise.getShape()));
        }
        return d.sample(encodeNoise).mul(model.scalingFactor());
    }

    private static Shape batchShape(NDArray x, NDArray batch) {
        Shape s = x.getShape();
        return new Shape(batch.getShape().get(0), s.get(1), s.get(2), s.get(3));
    }

    private static Loop loop(ConditioningSchedule context, double guidance, DiffusionSampler sampler, int start, ImageNoise noise,
                             StepListener listener) {
        return loop(context, guidance, sampler, start, noise, listener, ControlGuide.NONE);
    }

    private static Loop loop(ConditioningSchedule context, double guidance, DiffusionSampler sampler, int start,
                             ImageNoise noise, StepListener listener, ControlGuide control) {
        int images = (int) noise.noise().getShape().get(0);
        boolean guided = guided(guidance);
        return new Loop(context.map(c -> batchContext(c, guided, images)), guidance, sampler, start, noise.stepNoise(),
                listener, control);
    }

    /** [negative, prompt] → [negative x N, prompt x N], the order of the UNet batch [latents, latents]. */
    static Conditioning batchContext(Conditioning context, boolean guided, int images) {
        if (images == 1) {
            return context;
        }
        if (context.split()) {
            return context.repeatRows(images);
        }
        Conditioning batch = null;
        for (long half = 0; half < (guided ? 2 : 1); half++) {
            Conditioning prompt = context.rows(half, half + 1);
            for (int i = 0; i < images; i++) {
                batch = batch == null ? prompt : batch.concat(prompt);
            }
        }
        return batch;
    }

    private record Loop(ConditioningSchedule context, double guidance, DiffusionSampler sampler, int start, NoiseSource stepNoise,
                        StepListener listener, ControlGuide control) {
        int total() {
            return sampler.timesteps().length - start;
        }
    }

    private NDArray denoise(Loop loop, NDArray latents, NDArray unetExtra) throws GenerationCancelledException {
        double[] timesteps = loop.sampler().timesteps();
        loop.listener().onStep(0, loop.total(), latents);
        for (int i = loop.start(); i < timesteps.length; i++) {
            try (Scope scope = Scope.of(latents)) {
                NDArray eps = predictNoise(loop, latents, i, timesteps[i], unetExtra);
                latents = keepStep(scope, loop.sampler(), loop.sampler().step(eps, i, latents, loop.stepNoise()));
            }
            loop.listener().onStep(i - loop.start() + 1, loop.total(), latents);
        }
        return latents;
    }

    /** diffusers' legacy 4-channel inpainting: after each step the known region is reset to the noised original. */
    private NDArray denoiseBlended(Loop loop, NDArray latents, NDArray known, NDArray noise, NDArray maskLatent)
            throws GenerationCancelledException {
        double[] timesteps = loop.sampler().timesteps();
        NDArray keep = maskLatent.neg().add(1f);
        loop.listener().onStep(0, loop.total(), latents);
        for (int i = loop.start(); i < timesteps.length; i++) {
            try (Scope scope = Scope.of(latents)) {
                NDArray eps = predictNoise(loop, latents, i, timesteps[i], null);
                NDArray stepped = loop.sampler().step(eps, i, latents, loop.stepNoise());
                NDArray proper = i < timesteps.length - 1 ? loop.sampler().addNoise(known, noise, i + 1) : known;
                latents = keepStep(scope, loop.sampler(), stepped.mul(maskLatent).add(proper.mul(keep)));
            }
            loop.listener().onStep(i - loop.start() + 1, loop.total(), latents);
        }
        return latents;
    }

    /** Frees a step's temporaries: only the new latents and what the sampler remembers survive. */
    private static NDArray keepStep(Scope scope, DiffusionSampler sampler, NDArray latents) {
        sampler.history().forEach(scope::keep);
        return scope.keep(latents);
    }

    /** One UNet call (both guidance halves of all images in one batch), intermediates freed on return. */
    private NDArray predictNoise(Loop loop, NDArray latents, int index, double timestep, NDArray unetExtra) {
        try (Scope scope = Scope.of(latents)) {
            NDArray input = loop.sampler().scaleModelInput(latents, index);
            boolean guided = guided(loop.guidance());
            NDArray batch = guided ? NDArrays.concat(new NDList(input, input), 0) : input;
            NDArray t = scope.manager().create(new float[] {(float) timestep});
            Conditioning context = loop.context().at(index - loop.start());
            NDArray out;
            if (context.split()) { // A1111 without "Pad conds": the two halves as two UNet batches
                if (!loop.control().isEmpty()) {
                    throw new IllegalStateException("ControlNet guidance needs padded conditioning");
                }
                NDArray half = unetExtra == null ? input
                        : NDArrays.concat(new NDList(input, unetExtra.get(":" + input.getShape().get(0))), 1);
                Conditioning negative = context.negative();
                out = NDArrays.concat(new NDList(unet(half, t, negative, added(scope, latents, half, negative), null),
                        unet(half, t, context, added(scope, latents, half, context), null)), 0);
            } else {
                if (unetExtra != null) {
                    batch = NDArrays.concat(new NDList(batch, unetExtra), 1);
                }
                AddedConditioning added = added(scope, latents, batch, context);
                ControlResiduals control = loop.control().isEmpty() ? null : loop.control().residuals(batch, t,
                        context.context(), added, index - loop.start(), loop.total(), guided);
                out = unet(batch, t, context, added, control);
            }
            if (!guided) {
                return scope.keep(out);
            }
            NDList halves = out.split(2, 0);
            NDArray uncond = halves.get(0);
            return scope.keep(uncond.add(halves.get(1).sub(uncond).mul((float) loop.guidance())));
        }
    }

    /** One UNet call on {@code batch} conditioned on {@code context} (and SDXL's {@code added}, else null). */
    private NDArray unet(NDArray batch, NDArray t, Conditioning context, AddedConditioning added,
                         ControlResiduals control) {
        return added != null
                ? model.unet().forward(batch, t, context.context(), added.pooled(), added.sizeIds(), control)
                : model.unet().forward(batch, t, context.context(), null, null, control);
    }

    /** SDXL's added conditioning of a UNet call on {@code batch} (null for SD 1.x/2.x). */
    private AddedConditioning added(Scope scope, NDArray latents, NDArray batch, Conditioning context) {
        return model.unet().config().textTimeConditioning() ? new AddedConditioning(context.pooled(),
                sizeIds(scope.manager(), latents, (int) batch.getShape().get(0))) : null;
    }

    /**
     * SDXL's size/crop conditioning as diffusers' pipeline sets it by default, the same for every row:
     * {@code [orig_h, orig_w, crop_top, crop_left, target_h, target_w] = [H, W, 0, 0, H, W]} in pixels.
     */
    private NDArray sizeIds(NDManager manager, NDArray latents, int rows) {
        int f = model.downscaleFactor();
        float h = latents.getShape().get(2) * f;
        float w = latents.getShape().get(3) * f;
        float[] ids = new float[rows * 6];
        for (int r = 0; r < rows; r++) {
            System.arraycopy(new float[]{h, w, 0, 0, h, w}, 0, ids, r * 6, 6);
        }
        return manager.create(ids, new Shape(rows, 6));
    }

    /** torch's {@code interpolate(x, size, mode="nearest")} on (B, C, H, W): source index floor(i * in / out). */
    static NDArray resizeNearest(NDArray x, int height, int width) {
        Shape s = x.getShape();
        int planes = (int) (s.get(0) * s.get(1));
        int inH = (int) s.get(2);
        int inW = (int) s.get(3);
        long[] rows = nearestIndices(inH, height);
        long[] cols = nearestIndices(inW, width);
        float[] in = x.toType(DataType.FLOAT32, false).toFloatArray();
        float[] out = new float[planes * height * width];
        for (int p = 0; p < planes; p++) {
            for (int y = 0; y < height; y++) {
                for (int c = 0; c < width; c++) {
                    out[(p * height + y) * width + c] = in[(int) ((p * inH + rows[y]) * inW + cols[c])];
                }
            }
        }
        return x.getManager().create(out, new Shape(s.get(0), s.get(1), height, width));
    }

    private static long[] nearestIndices(int in, int out) {
        float scale = (float) in / out;
        long[] idx = new long[out];
        for (int i = 0; i < out; i++) {
            idx[i] = Math.min((long) Math.floor(i * scale), in - 1);
        }
        return idx;
    }
}
