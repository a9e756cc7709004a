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
 * Tiled against untiled VAE decode of seeded random latents (1024x1024 by default). The check is the memory bound:
 * the tiled decode's peak resident growth must stay below the untiled one's. The uint8 differences away from and at
 * the blend bands are reported beside it but not bounded: each tile's group norms and mid-block attention see only
 * that tile (as diffusers' tiled VAE), so on the random-weight fixture the tiled image differs by tens of levels;
 * the blending itself is exact for tile-local functions (TileGridTest).
 */
public final class VaeTilingChecks {
    private VaeTilingChecks() {
    }

    /** The measured numbers, for callers that report them. */
    public record Measurement(int maxAway, double meanAway, int maxAtSeams, long tiledPeakBytes, long untiledPeakBytes) {
    }

    public static List<CheckResult> run(Path ldm, String name, int size) {
        Measurement m = measure(ldm.resolve(name), size);
        String what = String.format("%s vae tiled decode %dx%d: peak memory tiled %.0f MiB / untiled %.0f MiB;"
                        + " uint8 difference away from seams max %d (mean %.2f), at seams max %d", name, size, size,
                m.tiledPeakBytes / 1048576.0, m.untiledPeakBytes / 1048576.0, m.maxAway, m.meanAway, m.maxAtSeams);
        if (m.tiledPeakBytes < 0) {
            return List.of(new CheckResult(what + " (peak memory cannot be reset here)", Double.NaN, 1, false));
        }
        return List.of(CheckResult.of(what, (double) m.tiledPeakBytes / m.untiledPeakBytes, 1));
    }

    public static Measurement measure(Path model, int size) {
        try (NDManager manager = NDManager.newBaseManager(); ModelFiles files = CheckpointLoader.open(model)) {
            Vae vae = Vae.load(files.vae(manager), files.description().vae());
            int f = vae.config().downscaleFactor();
            NDArray latents = SeededNoise.draw(manager, 42, new Shape(1, vae.config().latentChannels(), size / f, size / f), 1)
                    .get(0);
            VaeTiling tiled = VaeTiling.above(0);
            long[] tiledPeak = new long[1];
            RgbImage a = decode(manager, () -> tiled.decode(vae, latents), tiledPeak);
            long[] untiledPeak = new long[1];
            RgbImage b = decode(manager, () -> VaeTiling.OFF.decode(vae, latents), untiledPeak);
            boolean[] rows = tiled.blendedPixels(size, f);
            boolean[] cols = tiled.blendedPixels(size, f);
            int away = 0;
            int seams = 0;
            long awaySum = 0;
            long awayCount = 0;
            for (int y = 0; y < size; y++) {
                for (int x = 0; x < size; x++) {
                    for (int c = 0; c < 3; c++) {
                        int d = Math.abs(a.sample(x, y, c) - b.sample(x, y, c));
                        if (rows[y] || cols[x]) {
                            seams = Math.max(seams, d);
                        } else {
                            away = Math.max(away, d);
                            awaySum += d;
                            awayCount++;
                        }
                    }
                }
            }
            return new Measurement(away, awayCount == 0 ? 0 : (double) awaySum / awayCount, seams, tiledPeak[0], untiledPeak[0]);
        }
    }

    /** One decode in its own scope; {@code peak[0]} = peak resident growth, -1 when the peak cannot be reset. */
    private static RgbImage decode(NDManager manager, java.util.function.Supplier<NDArray> decode, long[] peak) {
        try (NDManager scope = manager.newSubManager()) {
            long before = ProcessMemory.residentBytes();
            boolean reset = ProcessMemory.resetPeak();
            NDArray image = decode.get();
            peak[0] = reset ? ProcessMemory.peakResidentBytes() - before : -1;
            image.attach(scope);
            return ImageTensors.toImages(image).get(0);
        }
    }
}
