package dev.sdbot.inference.selftest;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import dev.sdbot.inference.bench.ProcessMemory;
import dev.sdbot.inference.image.ImageTensors;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.sampling.SeededNoise;
import dev.sdbot.inference.vae.Vae;
import dev.sdbot.inference.vae.VaeTiling;
import dev.sdbot.inference.weights.CheckpointLoader;
import dev.sdbot.inference.weights.ModelFiles;

import java.nio.file.Path;
import java.util.List;

/**
 * Tiled against untiled VAE decode of seeded random latents (768x768 in the selftest). Tiles share every group norm's
 * whole-image statistics and read their neighbours' pixels at every convolution, so the tiled image must match the
 * untiled one to within {@link #MAX_LEVELS} uint8 levels everywhere (float rounding alone: different reduction
 * orders in the norms and convolutions), and its peak resident memory must stay below the untiled decode's.
 * Differences within {@link #SEAM_PIXELS} of a tile seam are reported apart from the rest.
 */
public final class VaeTilingChecks {
    /** Largest uint8 difference accepted between tiled and untiled decodes. */
    public static final int MAX_LEVELS = 2;
    /** Pixels either side of a seam (one latent pixel) counted as "at the seam". */
    static final int SEAM_PIXELS = 8;

    private VaeTilingChecks() {
    }

    /** The measured numbers, for callers that report them. */
    public record Measurement(int maxAway, double meanAway, int maxAtSeams, double meanAtSeams,
                              long tiledPeakBytes, long untiledPeakBytes, Timing tiled, Timing untiled) {
    }

    /** Wall-clock and process CPU seconds of one decode (CPU time is the steadier figure on a shared machine). */
    public record Timing(double wallSeconds, double cpuSeconds) {
        @Override
        public String toString() {
            return String.format("%.1f s wall, %.1f s CPU", wallSeconds, cpuSeconds);
        }
    }

    public static List<CheckResult> run(Path ldm, String name, int size) {
        Measurement m = measure(ldm.resolve(name), size);
        String levels = String.format("%s vae tiled vs untiled decode %dx%d: uint8 difference away from seams max %d"
                        + " (mean %.4f), at seams max %d (mean %.4f); bound %d", name, size, size, m.maxAway, m.meanAway,
                m.maxAtSeams, m.meanAtSeams, MAX_LEVELS);
        String memory = String.format("%s vae tiled decode %dx%d peak memory: tiled %.0f MiB (%s) / untiled %.0f MiB"
                        + " (%s)", name, size, size, m.tiledPeakBytes / 1048576.0, m.tiled,
                m.untiledPeakBytes / 1048576.0, m.untiled);
        CheckResult difference = CheckResult.of(levels, Math.max(m.maxAway, m.maxAtSeams), MAX_LEVELS);
        if (m.tiledPeakBytes < 0) {
            return List.of(difference, new CheckResult(memory + " (peak memory cannot be reset here)", Double.NaN, 1, false));
        }
        return List.of(difference, CheckResult.of(memory, (double) m.tiledPeakBytes / m.untiledPeakBytes, 1));
    }

    public static Measurement measure(Path model, int size) {
        try (NDManager manager = NDManager.newBaseManager(); ModelFiles files = CheckpointLoader.open(model)) {
            return measure(Vae.load(files.vae(manager), files.description().vae()), VaeTiling.above(0), size);
        }
    }

    /** Decodes the same seeded latents with {@code tiled} (which must tile at this size) and untiled. */
    public static Measurement measure(Vae vae, VaeTiling tiled, int size) {
        try (NDManager manager = NDManager.newBaseManager()) {
            int f = vae.config().downscaleFactor();
            NDArray latents = SeededNoise.draw(manager, 42, new Shape(1, vae.config().latentChannels(), size / f, size / f), 1)
                    .get(0);
            long[] tiledPeak = new long[1];
            Timing[] tiledTime = new Timing[1];
            RgbImage a = decode(manager, () -> tiled.decode(vae, latents), tiledPeak, tiledTime);
            long[] untiledPeak = new long[1];
            Timing[] untiledTime = new Timing[1];
            RgbImage b = decode(manager, () -> VaeTiling.OFF.decode(vae, latents), untiledPeak, untiledTime);
            boolean[] near = tiled.nearSeams(size, f, SEAM_PIXELS);
            Stats away = new Stats();
            Stats seams = new Stats();
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    for (int c = 0; c < 3; c++) {
                        (near[y] || near[x] ? seams : away).add(Math.abs(a.sample(x, y, c) - b.sample(x, y, c)));
                    }
                }
            }
            return new Measurement(away.max, away.mean(), seams.max, seams.mean(), tiledPeak[0], untiledPeak[0],
                    tiledTime[0], untiledTime[0]);
        }
    }

    private static double cpuSeconds() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
    }

    private static final class Stats {
        int max;
        long sum;
        long count;

        void add(int d) {
            max = Math.max(max, d);
            sum += d;
            count++;
        }

        double mean() {
            return count == 0 ? 0 : (double) sum / count;
        }
    }

    /**
     * One decode in its own scope; {@code peak[0]} = peak resident growth (-1 when the peak cannot be reset),
     * {@code time[0]} = its timing.
     */
    private static RgbImage decode(NDManager manager, java.util.function.Supplier<NDArray> decode, long[] peak,
                                   Timing[] time) {
        try (NDManager scope = manager.newSubManager()) {
            long before = ProcessMemory.residentBytes();
            boolean reset = ProcessMemory.resetPeak();
            long wall = System.nanoTime();
            double cpu = cpuSeconds();
            NDArray image = decode.get();
            time[0] = new Timing((System.nanoTime() - wall) / 1e9, cpuSeconds() - cpu);
            peak[0] = reset ? ProcessMemory.peakResidentBytes() - before : -1;
            image.attach(scope);
            return ImageTensors.toImages(image).get(0);
        }
    }
}
