package dev.sdbot.inference.bench;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.clip.ClipTextModel;
import dev.sdbot.inference.clip.TextEncoderConfig;
import dev.sdbot.inference.model.RandomWeights;
import dev.sdbot.inference.model.SchedulerConfig;
import dev.sdbot.inference.model.UNetConfig;
import dev.sdbot.inference.model.VaeConfig;
import dev.sdbot.inference.nn.Scope;
import dev.sdbot.inference.pipeline.StableDiffusionPipeline;
import dev.sdbot.inference.sampling.DiffusionSampler;
import dev.sdbot.inference.sampling.NoiseSource;
import dev.sdbot.inference.sampling.Samplers;
import dev.sdbot.inference.unet.UNet;
import dev.sdbot.inference.vae.TinyVae;
import dev.sdbot.inference.vae.Vae;

import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Time to one 512x512 image on the full-size SD 1.5 architecture (random weights: the time does not depend on them),
 * from a loaded model: text encoding, the sampler loop as the pipeline runs it (CFG batch of 2 above CFG 1, one
 * pass at CFG 1) and the decode with the full VAE or the tiny one (TAESD). One untimed UNet call first (oneDNN
 * primitive warm-up). The rows are the few-step comparison of issue 15.
 */
public final class TimeToImage {
    /** One configuration to time. */
    public record Row(String label, Sampler sampler, int steps, double cfg, boolean tinyVae) {
    }

    public static final List<Row> ROWS = List.of(
            new Row("a", Sampler.DPMPP_2M, 25, 7, false),
            new Row("b", Sampler.LCM, 4, 1, true),
            new Row("c", Sampler.EULER_A_SGM_UNIFORM, 1, 1, true));

    /** The measured parts of one row, in seconds. */
    public record Timing(Row row, double text, double unet, double decode) {
        public double total() {
            return text + unet + decode;
        }

        public String line(int width, int height) {
            return String.format(Locale.ROOT, "time-to-image (%s) %s, %d step%s, CFG %s + %s, %dx%d: %.1f s"
                            + " (text %.2f s, UNet %.1f s = %.2f s/step, decode %.2f s)",
                    row.label, row.sampler.displayName(), row.steps, row.steps == 1 ? "" : "s",
                    row.cfg == Math.rint(row.cfg) ? Integer.toString((int) row.cfg) : Double.toString(row.cfg),
                    row.tinyVae ? "TAESD" : "full VAE", width, height, total(), text, unet, unet / row.steps, decode);
        }
    }

    private TimeToImage() {
    }

    public static void run(List<Row> rows, int width, int height, Consumer<Timing> result, Consumer<String> log) {
        UNetConfig unetConfig = UNetConfig.sd15();
        VaeConfig vaeConfig = VaeConfig.sd15();
        TextEncoderConfig textConfig = TextEncoderConfig.vitL14();
        int f = vaeConfig.downscaleFactor();
        try (NDManager manager = NDManager.newBaseManager()) {
            log.accept("building SD 1.5 (random weights)...");
            ClipTextModel text = ClipTextModel.load(RandomWeights.textEncoder(textConfig, manager, 3), textConfig);
            UNet unet = UNet.load(RandomWeights.unet(unetConfig, manager, 1), unetConfig);
            Vae vae = Vae.load(RandomWeights.vae(vaeConfig, manager, 2), vaeConfig);
            TinyVae tiny = TinyVae.load(RandomWeights.tinyVaeDecoder(manager, 4));
            Shape latentShape = new Shape(1, unetConfig.inChannels(), height / f, width / f);
            try (NDManager m = manager.newSubManager()) {
                log.accept("warm-up UNet call...");
                unet.forward(m.randomNormal(latentShape), m.create(new float[] {500f}),
                        m.randomNormal(new Shape(1, 77, unetConfig.crossAttentionDim()))).close();
            }
            for (Row row : rows) {
                try (NDManager m = manager.newSubManager()) {
                    result.accept(time(row, text, unet, vae, tiny, latentShape, textConfig, m, log));
                }
            }
        }
    }

    private static Timing time(Row row, ClipTextModel text, UNet unet, Vae vae, TinyVae tiny, Shape latentShape,
                               TextEncoderConfig textConfig, NDManager m, Consumer<String> log) {
        boolean guided = StableDiffusionPipeline.guided(row.cfg);
        long t0 = System.nanoTime();
        NDArray ids = m.randomInteger(0, textConfig.vocabSize(), new Shape(guided ? 2 : 1, 77), DataType.INT64);
        NDArray context = text.encode(ids, 1);
        long t1 = System.nanoTime();
        DiffusionSampler sampler = Samplers.create(row.sampler, SchedulerConfig.stableDiffusion(SchedulerConfig.EPSILON),
                row.steps);
        NoiseSource noise = (manager, shape) -> manager.randomNormal(shape);
        NDArray latents = m.randomNormal(latentShape).mul(sampler.initNoiseSigma());
        double[] timesteps = sampler.timesteps();
        for (int i = 0; i < timesteps.length; i++) {
            try (Scope scope = Scope.of(latents)) {
                NDArray input = sampler.scaleModelInput(latents, i);
                NDArray t = scope.manager().create(new float[] {(float) timesteps[i]});
                NDArray eps;
                if (guided) {
                    NDArray out = unet.forward(input.repeat(0, 2), t, context);
                    NDArray uncond = out.get("0:1");
                    eps = uncond.add(out.get("1:2").sub(uncond).mul((float) row.cfg));
                } else {
                    eps = unet.forward(input, t, context);
                }
                latents = scope.keep(sampler.step(eps, i, latents, noise));
                sampler.history().forEach(scope::keep);
            }
            log.accept(String.format(Locale.ROOT, "(%s) step %d/%d: %.1f s", row.label, i + 1, timesteps.length,
                    (System.nanoTime() - t1) / 1e9));
        }
        long t2 = System.nanoTime();
        NDArray image = row.tinyVae ? tiny.decode(latents) : vae.decode(latents.div(0.18215f));
        image.toFloatArray(); // the pixels exist
        long t3 = System.nanoTime();
        return new Timing(row, (t1 - t0) / 1e9, (t2 - t1) / 1e9, (t3 - t2) / 1e9);
    }
}
