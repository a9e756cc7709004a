package dev.sdbot.bot.cli;

import ai.djl.ndarray.NDManager;
import dev.sdbot.inference.bench.ProcessMemory;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.image.RgbImage;
import dev.sdbot.inference.upscale.ImageUpscaler;
import dev.sdbot.inference.upscale.UpscalerLibrary;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Enlarges one image locally with an ESRGAN-family upscaler, without database or Discord; prints time, size and the
 * process's peak resident memory (the benchmark of tiled against whole-image runs: one run per process).
 */
@Command(name = "upscale", mixinStandardHelpOptions = true,
        description = "Enlarges an image with an ESRGAN / Real-ESRGAN / SRVGGNetCompact upscaler, tile by tile.")
final class UpscaleCommand implements Callable<Integer> {
    static final double MAX_SCALE = 8;
    static final long MAX_OUTPUT_PIXELS = 8192L * 8192;

    @ParentCommand
    SdbotCommand root;
    @Spec
    CommandSpec spec;

    @Option(names = "--in", required = true, description = "The image (PNG, JPEG or WebP).")
    Path in;
    @Option(names = "--out", required = true, description = "Where to write the PNG.")
    Path out;
    @Option(names = "--upscaler", required = true,
            description = "An upscaler name in SDBOT_MODELS/upscalers, or a file (.safetensors, .pth).")
    String upscaler;
    @Option(names = "--scale", defaultValue = "4", description = "Enlargement, 1..8 (${DEFAULT-VALUE}).")
    double scale;
    @Option(names = "--tile", defaultValue = "" + ImageUpscaler.DEFAULT_TILE,
            description = "Tile side in input pixels; 0 = the whole image at once (${DEFAULT-VALUE}).")
    int tile;

    @Override
    public Integer call() throws Exception {
        if (scale < 1 || scale > MAX_SCALE) {
            throw new IllegalArgumentException("--scale must be between 1 and " + (int) MAX_SCALE + ", got " + scale);
        }
        if (tile != 0 && tile < 16) {
            throw new IllegalArgumentException("--tile must be 0 (no tiling) or at least 16 pixels, got " + tile);
        }
        Path file = Files.isRegularFile(Path.of(upscaler)) ? Path.of(upscaler)
                : UpscalerLibrary.inModels(root.config().models().dir()).resolve(upscaler);
        if (!Files.isRegularFile(in)) {
            throw new IllegalArgumentException("no such image: " + in);
        }
        RgbImage image = ImageCodec.decode(Files.readAllBytes(in));
        if ((long) Math.round(image.width() * scale) * Math.round(image.height() * scale) > MAX_OUTPUT_PIXELS) {
            throw new IllegalArgumentException("the result would exceed " + MAX_OUTPUT_PIXELS + " pixels");
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            ImageUpscaler loaded = ImageUpscaler.load(file, manager);
            ImageUpscaler upscaler = tile == 0 ? loaded.withTile(Integer.MAX_VALUE) : loaded.withTile(tile);
            long start = System.nanoTime();
            RgbImage result = upscaler.upscale(image, scale, manager);
            double seconds = (System.nanoTime() - start) / 1e9;
            Path partial = out.resolveSibling(out.getFileName() + ".partial");
            Files.write(partial, ImageCodec.encodePng(result));
            Files.move(partial, out, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            spec.commandLine().getOut().printf(Locale.ROOT, "%s: %dx%d -> %dx%d with %s, tile %s, %.2f s, peak memory"
                    + " %.0f MiB (process VmHWM)%n", out, image.width(), image.height(), result.width(), result.height(),
                    upscaler.describe(), tile == 0 ? "none" : tile + " px", seconds,
                    ProcessMemory.peakResidentBytes() / 1048576.0);
        }
        return 0;
    }
}
