package dev.sdbot.bot.cli;

import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.bench.EngineBenchmark;
import dev.sdbot.inference.bench.LeakCheck;
import dev.sdbot.inference.bench.TimeToImage;
import dev.sdbot.inference.nn.Attention;
import ai.djl.ndarray.types.DataType;
import dev.sdbot.inference.pipeline.Devices;
import dev.sdbot.inference.pipeline.Precision;
import dev.sdbot.inference.pipeline.DiffusionGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Engine benchmark on the full-size architecture with random weights (no checkpoint), or with
 * {@code --leak-check} many small generations on a real checkpoint to show that native memory stays flat.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Times the full-size UNet/VAE/text encoder with random weights, or checks for leaks (--leak-check).")
final class BenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--arch", defaultValue = "sd15", description = "sd15, sd21 or sdxl (${DEFAULT-VALUE}).")
    String arch;
    @Option(names = "--width", defaultValue = "256", description = "Image width (${DEFAULT-VALUE}).")
    int width;
    @Option(names = "--height", defaultValue = "256", description = "Image height (${DEFAULT-VALUE}).")
    int height;
    @Option(names = "--steps", defaultValue = "3", description = "Timed UNet steps after one warm-up step (${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--batch", defaultValue = "1",
            description = "Images of one request, run as one batch as the generator does (${DEFAULT-VALUE}); "
                    + "with CFG the UNet input batch is twice this.")
    int batch;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda:N (${DEFAULT-VALUE}).")
    String device;
    @Option(names = "--precision", defaultValue = "auto",
            description = "auto (fp16 on cuda, fp32 on cpu), fp32 or fp16 (cuda only); bf16 is refused (${DEFAULT-VALUE}).")
    String precision;
    @Option(names = "--attention", defaultValue = "sdpa",
            description = "Attention kernel: sdpa (libtorch's fused kernel) or plain (matMul + softmax) (${DEFAULT-VALUE}).")
    String attention;
    @Option(names = "--threads", description = "libtorch intra-op threads (default: libtorch's, i.e. OMP_NUM_THREADS or the cores).")
    Integer threads;
    @Option(names = "--time-to-image", description = "Time one image end to end on the full-size SD 1.5 architecture"
            + " (random weights; 512x512 unless --width/--height are given) for the rows of --rows: (a) DPM++ 2M, 25 steps,"
            + " CFG 7, full VAE; (b) LCM, 4 steps, CFG 1, TAESD; (c) Euler a SGM Uniform, 1 step, CFG 1, TAESD.")
    boolean timeToImage;
    @Option(names = "--rows", defaultValue = "a,b,c", split = ",", description = "Rows of --time-to-image (${DEFAULT-VALUE}).")
    List<String> rows;
    @Option(names = "--leak-check", description = "Run --generations small generations of --model and report resident memory growth.")
    boolean leakCheck;
    @Option(names = "--model", description = "Checkpoint for --leak-check (file or diffusers folder).")
    Path model;
    @Option(names = "--generations", defaultValue = "100", description = "Generations for --leak-check (${DEFAULT-VALUE}).")
    int generations;

    @Override
    public Integer call() throws GenerationException {
        var parsedDevice = Devices.parse(device);
        Precision parsedPrecision = Precision.parse(precision);
        DataType computeType = parsedPrecision.computeType(parsedDevice);
        if (threads != null) {
            if (threads < 1) {
                throw new IllegalArgumentException("--threads must be at least 1, got " + threads);
            }
            EngineBenchmark.setThreads(threads);
        }
        Attention.use(Attention.Kernel.parse(attention));
        PrintWriter out = spec.commandLine().getOut();
        if (leakCheck) {
            return leakCheck(out, parsedDevice);
        }
        if (timeToImage) {
            return timeToImage(out);
        }
        double load = loadAverage();
        EngineBenchmark.Result r = EngineBenchmark.run(arch, width, height, steps, batch, parsedDevice, computeType, line -> {
            out.println("  " + line);
            out.flush();
        });
        out.printf(Locale.ROOT, "%s %dx%d, %d image(s) with CFG (UNet input batch %d), %d libtorch thread(s), "
                + "load average %.2f at start%n", r.arch(), r.width(), r.height(), r.images(), 2 * r.images(),
                r.threads(), load);
        out.printf(Locale.ROOT, "device %s, precision %s (UNet and text encoder in %s), attention %s%n", parsedDevice,
                parsedPrecision.label(), computeType.name().toLowerCase(Locale.ROOT), attentionLabel());
        out.printf(Locale.ROOT, "UNet step        %.3f s (mean of %d, warm-up excluded; each: %s)%n",
                r.meanStepSeconds(), r.unetStepSeconds().length, seconds(r.unetStepSeconds()));
        out.printf(Locale.ROOT, "VAE decode       %.3f s (%d image(s))%n", r.vaeDecodeSeconds(), r.images());
        out.printf(Locale.ROOT, "text encode      %.3f s (uncond + cond, once per request)%n", r.textEncodeSeconds());
        out.printf(Locale.ROOT, "peak memory      %.0f MiB (VmHWM)%n", r.peakResidentBytes() / 1048576.0);
        out.println("UNet time per step by layer kind:");
        double stepNanos = r.meanStepSeconds() * 1e9;
        double accounted = 0;
        int n = r.unetStepSeconds().length;
        for (Map.Entry<String, long[]> e : r.breakdownNanos().entrySet()) {
            double perStep = e.getValue()[0] / (double) n;
            accounted += perStep;
            out.printf(Locale.ROOT, "  %-36s %8.3f s %5.1f%%  (%d calls)%n", e.getKey(), perStep / 1e9,
                    100 * perStep / stepNanos, e.getValue()[1] / n);
        }
        out.printf(Locale.ROOT, "  %-36s %8.3f s %5.1f%%%n", "other (reshapes, adds, concat, time embedding)",
                Math.max(0, stepNanos - accounted) / 1e9, 100 * Math.max(0, stepNanos - accounted) / stepNanos);
        out.flush();
        return 0;
    }

    private int leakCheck(PrintWriter out, ai.djl.Device parsedDevice) throws GenerationException {
        if (model == null || !Files.exists(model)) {
            throw new IllegalArgumentException("--leak-check needs --model PATH of an existing checkpoint");
        }
        try (DiffusionGenerator generator = DiffusionGenerator.forCheckpoint("model", model, parsedDevice,
                Precision.parse(precision), DiffusionGenerator.DEFAULT_BATCH_PIXELS, Optional.empty())) {
            GenerationRequest good = GenerationRequest.builder("a small test", "model").steps(2).cfgScale(5)
                    .size(width, height).seed(1L).build();
            GenerationRequest badInit = good.toBuilder().prompt("x").sampler(Sampler.DDIM).images(new byte[]{1, 2, 3}, null)
                    .strength(0.5).build();
            LeakCheck.Result r = LeakCheck.run(generator, good, List.of(badInit), 5, generations, i -> {
                if (i % 10 == 0) {
                    out.printf(Locale.ROOT, "  %d/%d%n", i, generations);
                    out.flush();
                }
            });
            out.printf(Locale.ROOT, "%d generations (%dx%d, 2 steps) + %d failed bad requests: resident %.1f MiB after "
                            + "%d warm-up generations, %.1f MiB at the end, growth %.1f MiB%n", r.generations(), width, height,
                    r.failures(), r.residentAfterWarmup() / 1048576.0, r.warmup(), r.residentAtEnd() / 1048576.0,
                    r.growthBytes() / 1048576.0);
            out.flush();
        }
        return 0;
    }

    private int timeToImage(PrintWriter out) {
        CommandLine.ParseResult parsed = spec.commandLine().getParseResult();
        int w = parsed.hasMatchedOption("--width") ? width : 512;
        int h = parsed.hasMatchedOption("--height") ? height : 512;
        List<TimeToImage.Row> selected = TimeToImage.ROWS.stream().filter(r -> rows.contains(r.label())).toList();
        if (selected.isEmpty()) {
            throw new IllegalArgumentException("--rows must name some of a, b, c; got " + rows);
        }
        ai.djl.engine.Engine.getInstance(); // loads libtorch: without --threads nothing has before the thread count is read
        out.printf(Locale.ROOT, "SD 1.5 full size (random weights), %dx%d, %d libtorch thread(s), attention %s, load"
                + " average %.2f at start%n", w, h, ai.djl.pytorch.jni.JniUtils.getNumThreads(), attentionLabel(), loadAverage());
        out.flush();
        TimeToImage.run(selected, w, h, t -> {
            out.println(t.line(w, h));
            out.flush();
        }, line -> {
            out.println("  " + line);
            out.flush();
        });
        out.printf(Locale.ROOT, "load average %.2f at the end%n", loadAverage());
        return 0;
    }

    private static String attentionLabel() {
        return Attention.kernel().name().toLowerCase(Locale.ROOT);
    }

    private static String seconds(double[] values) {
        StringBuilder b = new StringBuilder();
        for (double v : values) {
            b.append(b.length() == 0 ? "" : ", ").append(String.format(Locale.ROOT, "%.3f", v));
        }
        return b.toString();
    }

    private static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (Exception e) {
            return Double.NaN;
        }
    }
}
