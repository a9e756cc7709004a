package dev.sdbot.inference.bench;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.sdbot.inference.clip.ClipActivation;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.clip.TextEncoderConfig;
import dev.sdbot.inference.model.RandomWeights;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.pipeline.Devices;
import dev.sdbot.inference.pipeline.VaePrecision;
import dev.sdbot.inference.model.VaeConfig;
import dev.sdbot.inference.nn.OpProfile;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.vae.Vae;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Times the full-size architectures with random weights (no checkpoint needed), shaped as the batched
 * pipeline runs a request of {@code images} images: one UNet call per sampler step with classifier-free
 * guidance (input batch 2 x images, one shared timestep), one VAE decode of all images, and the text
 * encoder once on the (uncond, cond) prompt pair. Each is run once untimed first (allocator and kernel
 * warm-up). The UNet breakdown comes from {@link OpProfile} over the timed steps.
 */
public final class EngineBenchmark {

    /**
     * @param unetStepSeconds   wall time of each timed UNet call (input batch {@code 2 * images})
     * @param breakdownNanos    layer kind → {total ns, calls} over the timed steps
     */
    public record Result(String arch, int width, int height, int images, int threads, double[] unetStepSeconds,
                         Map<String, long[]> breakdownNanos, double vaeDecodeSeconds, double textEncodeSeconds,
                         long peakResidentBytes) {
        public double meanStepSeconds() {
            double sum = 0;
            for (double s : unetStepSeconds) {
                sum += s;
            }
            return sum / unetStepSeconds.length;
        }
    }

    private EngineBenchmark() {
    }

    /** The UNet, VAE and text encoder of a known architecture: {@code sd15}, {@code sd21} or {@code sdxl}. */
    static UNetConfig unetConfig(String arch) {
        return switch (arch.toLowerCase(Locale.ROOT)) {
            case "sd15", "sd1", "sd1.5" -> UNetConfig.sd15();
            case "sd21", "sd2", "sd2.1" -> UNetConfig.sd21();
            case "sdxl", "xl" -> UNetConfig.sdxl();
            default -> throw new IllegalArgumentException("unknown architecture '" + arch
                    + "': expected sd15, sd21 or sdxl");
        };
    }

    /** The text encoders that run per prompt pair (SDXL: CLIP ViT-L and OpenCLIP bigG, every layer). */
    static List<TextEncoderConfig> textConfigs(String arch) {
        int context = unetConfig(arch).crossAttentionDim();
        if (context == 2048) {
            return List.of(TextEncoderConfig.vitL14(),
                    new TextEncoderConfig(49408, 1280, 5120, 32, 20, 77, ClipActivation.GELU, 1e-5f));
        }
        // SD 2.x conditions on the penultimate layer of OpenCLIP ViT-H: 23 of its 24 layers run.
        return List.of(context == 1024
                ? new TextEncoderConfig(49408, 1024, 4096, 23, 16, 77, ClipActivation.GELU, 1e-5f)
                : TextEncoderConfig.vitL14());
    }

    /** SDXL's random pooled embeddings and the size ids of the benchmarked size, or empty for SD 1.x/2.x. */
    private static Optional<NDArray[]> addedConditioning(UNetConfig c, NDManager m, int batch, int width, int height) {
        if (!c.textTimeConditioning()) {
            return Optional.empty();
        }
        float[] ids = new float[batch * 6];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(new float[]{height, width, 0, 0, height, width}, 0, ids, i * 6, 6);
        }
        return Optional.of(new NDArray[]{m.randomNormal(new Shape(batch, c.pooledTextDim())),
                m.create(ids, new Shape(batch, 6))});
    }

    /** libtorch's intra-op threads; set before anything else touches the engine to take effect everywhere. */
    public static void setThreads(int threads) {
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        System.setProperty("ai.djl.pytorch.num_interop_threads", "1");
        Engine.getInstance();
        JniUtils.setNumThreads(threads);
    }

    public static Result run(String arch, int width, int height, int steps, int images, Consumer<String> log) {
        return run(arch, width, height, steps, images, Device.cpu(), DataType.FLOAT32, log);
    }

    /**
     * @param device      where weights and activations live; every timed section ends with
     *                    {@link Devices#synchronize} so asynchronous CUDA work is inside the measurement
     * @param computeType the UNet's and text encoder's dtype; the VAE follows {@link VaePrecision}'s family rule
     */
    public static Result run(String arch, int width, int height, int steps, int images, Device device,
                             DataType computeType, Consumer<String> log) {
        UNetConfig unetConfig = unetConfig(arch);
        VaeConfig vaeConfig = VaeConfig.sd15();
        int f = vaeConfig.downscaleFactor();
        if (width % (f * 8) != 0 || height % (f * 8) != 0 || width <= 0 || height <= 0) {
            throw new IllegalArgumentException("width and height must be positive multiples of " + (f * 8)
                    + " (the UNet halves the latents three times), got " + width + "x" + height);
        }
        if (steps < 1 || images < 1) {
            throw new IllegalArgumentException("steps and batch must be at least 1");
        }
        Engine.getInstance(); // loads libtorch, which reads the thread settings
        int threads = JniUtils.getNumThreads();
        ModelFamily family = "sdxl".equals(arch) ? ModelFamily.SDXL
                : unetConfig.crossAttentionDim() == 1024 ? ModelFamily.SD2 : ModelFamily.SD1;
        DataType vaeType = VaePrecision.vaeType(computeType, family);
        try (NDManager manager = NDManager.newBaseManager(device)) {
            int batch = 2 * images;
            double textSeconds;
            textSeconds = 0;
            for (TextEncoderConfig tc : textConfigs(arch)) {
                try (NDManager m = manager.newSubManager()) {
                    log.accept("building the text encoder (random weights)...");
                    ClipTextModel text = ClipTextModel.load(RandomWeights.textEncoder(tc, m, 3).castTo(computeType), tc);
                    NDArray ids = m.randomInteger(0, tc.vocabSize(), new Shape(2, tc.maxPositions()), DataType.INT64);
                    text.encode(ids, 1).close(); // warm-up
                    Devices.synchronize(device);
                    long t0 = System.nanoTime();
                    text.encode(ids, 1).close();
                    Devices.synchronize(device);
                    textSeconds += (System.nanoTime() - t0) / 1e9;
                }
            }
            double[] stepSeconds = new double[steps];
            Map<String, long[]> breakdown;
            NDArray latents;
            try (NDManager m = manager.newSubManager()) {
                log.accept("building the UNet (random weights)...");
                UNet unet = UNet.load(RandomWeights.unet(unetConfig, m, 1).castTo(computeType), unetConfig);
                NDArray sample = m.randomNormal(new Shape(batch, unetConfig.inChannels(), height / f, width / f));
                NDArray context = m.randomNormal(new Shape(batch, 77, unetConfig.crossAttentionDim()));
                NDArray timesteps = m.create(new float[] {500f});
                Function<NDArray, NDArray> step = addedConditioning(unetConfig, m, batch, width, height)
                        .map(added -> (Function<NDArray, NDArray>) x -> unet.forward(x, timesteps, context,
                                added[0], added[1]))
                        .orElse(x -> unet.forward(x, timesteps, context));
                step.apply(sample).close(); // warm-up
                Devices.synchronize(device);
                OpProfile.reset();
                OpProfile.enable(true);
                try {
                    for (int s = 0; s < steps; s++) {
                        long t0 = System.nanoTime();
                        step.apply(sample).close();
                        Devices.synchronize(device);
                        stepSeconds[s] = (System.nanoTime() - t0) / 1e9;
                        log.accept(String.format(Locale.ROOT, "UNet step %d/%d: %.2f s", s + 1, steps, stepSeconds[s]));
                    }
                } finally {
                    OpProfile.enable(false);
                }
                breakdown = OpProfile.snapshot();
                latents = sample.get("0:{}", images).duplicate();
                latents.attach(manager);
            }
            double vaeSeconds;
            try (NDManager m = manager.newSubManager()) {
                log.accept("building the VAE (random weights)...");
                Vae vae = Vae.load(RandomWeights.vae(vaeConfig, m, 2).castTo(vaeType), vaeConfig);
                try (NDArray small = m.randomNormal(new Shape(1, vaeConfig.latentChannels(), 8, 8))) {
                    vae.decode(small).close(); // warm-up on a small input: the full decode is the slow part
                }
                Devices.synchronize(device);
                long t0 = System.nanoTime();
                vae.decode(latents).close();
                Devices.synchronize(device);
                vaeSeconds = (System.nanoTime() - t0) / 1e9;
            }
            return new Result(arch, width, height, images, threads, stepSeconds, breakdown, vaeSeconds, textSeconds,
                    ProcessMemory.peakResidentBytes());
        }
    }
}
