package dev.sdbot.bot.cli;

import ai.djl.Device;
import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.nn.Attention;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.model.ModelDefaults;
import dev.sdbot.inference.pipeline.Devices;
import dev.sdbot.inference.pipeline.DiffusionGenerator;
import dev.sdbot.inference.pipeline.ModelDirectory;
import dev.sdbot.inference.pipeline.Precision;
import dev.sdbot.inference.vae.VaeTiling;
import dev.sdbot.inference.safety.SafetyCheckerFolder;
import dev.sdbot.bot.runtime.Generators;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import picocli.CommandLine;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

/**
 * Generates images locally with the engine, without database or Discord: a progress bar per step, one PNG per
 * image ({@code <out>/<seed>.png}, {@code <seed>-1.png}... when taken) with the A1111 parameters chunk.
 * Nothing is written unless every image was generated.
 */
@Command(name = "generate", mixinStandardHelpOptions = true,
        description = "Generates images with a local checkpoint and writes PNGs.")
final class GenerateCommand implements Callable<Integer> {
    @ParentCommand
    SdbotCommand root;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--model", required = true,
            description = "Checkpoint: a .safetensors file, a diffusers folder, or a model name in SDBOT_MODELS.")
    String model;
    @Mixin
    GenerationOptions options;
    @ArgGroup(exclusive = false, multiplicity = "0..*", heading = "ControlNet (repeat --control for several units):%n")
    List<ControlOptions> controlOptions; // null without --control: picocli instantiates groups it meets
    @Option(names = "--init", description = "Init image (PNG/JPEG) for img2img.")
    Path init;
    @Option(names = "--strength", defaultValue = "0.75", description = "img2img strength (${DEFAULT-VALUE}).")
    double strength;
    @Option(names = "--mask", description = "Mask image (white = repaint), the size of the init image.")
    Path mask;
    @Option(names = "--count", defaultValue = "1", description = "Images, 1-4 (${DEFAULT-VALUE}).")
    int count;
    @Option(names = "--clip-skip", description = "CLIP layers to skip from the end (the model's default, else 1).")
    Integer clipSkip;
    @Option(names = "--embeddings", description = "Folder of textual-inversion embeddings (NAME.safetensors, .pt,"
            + " .bin, or A1111's .png/.webp) whose names the prompts may use, as in A1111 (default: embeddings/ in SDBOT_MODELS).")
    Path embeddings;
    @Option(names = "--out", defaultValue = "outputs", description = "Output directory (${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--device", defaultValue = "cpu", description = "cpu or cuda:N (${DEFAULT-VALUE}).")
    String device;
    @Option(names = "--precision", defaultValue = "auto",
            description = "auto (fp16 on cuda, fp32 on cpu), fp32 or fp16 (cuda only); bf16 is refused (${DEFAULT-VALUE}).")
    String precision;

    @Override
    public Integer call() {
        // Everything that can be checked without the model is checked first: a bad option costs nothing.
        options.parsedSampler();
        Device parsedDevice = Devices.parse(device);
        Precision parsedPrecision = Precision.parse(precision);
        parsedPrecision.computeType(parsedDevice); // refuses what cannot run here before any weight is read
        Path checkpoint = resolveModel();
        byte[] initBytes = readImageFile("--init", init);
        byte[] maskBytes = readImageFile("--mask", mask);
        if (maskBytes != null && initBytes == null) {
            throw new IllegalArgumentException("--mask needs --init (the image to repaint)");
        }
        ControlOptions.ControlNets controls = ControlOptions.resolve(
                controlOptions == null ? List.of() : controlOptions, root.config().models().dir());
        checkOutputDirectory();
        if (embeddings != null && !Files.isDirectory(embeddings)) {
            throw new IllegalArgumentException("--embeddings: " + embeddings + " is not a folder");
        }
        Optional<SafetyCheckerFolder> sharedChecker = Generators.sharedSafetyChecker(root.config());
        String name = modelName(checkpoint);
        GenerationRequest request = options.request(name, ModelDefaults.read(checkpoint), count, initBytes, strength,
                maskBytes, clipSkip).withControls(controls.units());
        PrintWriter err = spec.commandLine().getErr();
        GenerationResult result;
        StepBar bar = new StepBar(err);
        try (DiffusionGenerator generator = DiffusionGenerator.forCheckpoint(name, checkpoint, parsedDevice,
                parsedPrecision, DiffusionGenerator.DEFAULT_BATCH_PIXELS, sharedChecker)) {
            generator.setVaeTiling(VaeTiling.above(root.config().engine().vaeTileAbovePixels()));
            Attention.use(root.config().engine().parsedAttention());
            generator.setEmbeddingsDir(embeddings != null ? embeddings : root.config().models().dir().resolve("embeddings"));
            generator.setControlNets(controls::weights);
            result = generator.generate(request, bar);
        } catch (GenerationException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        } finally {
            bar.close();
        }
        List<Path> written = write(result.images());
        PrintWriter stdout = spec.commandLine().getOut();
        for (int i = 0; i < written.size(); i++) {
            GeneratedImage image = result.images().get(i);
            stdout.println("seed " + image.seed() + " -> " + written.get(i) + " (" + safetyNote(image.safety()) + ")");
        }
        stdout.printf("%d image(s) in %.1f s%n", written.size(), result.gpuMillis() / 1000.0);
        stdout.flush();
        return 0;
    }

    private static String safetyNote(SafetyVerdict safety) {
        return switch (safety) {
            case CLEAN -> "safety check: clean";
            case FLAGGED -> "safety check: FLAGGED as NSFW";
            case TEST_PATTERN -> "safety check: none needed, a test pattern (no model drew it)";
            case UNCHECKED -> "safety check: NOT CHECKED, the model has no safety checker; install one at "
                    + "$SDBOT_MODELS/" + SafetyCheckerFolder.SHARED_NAME + " or set SDBOT_SAFETY_CHECKER";
        };
    }

    /** A path to a file or folder, else a model name in SDBOT_MODELS. */
    private Path resolveModel() {
        Path asPath = Path.of(model);
        if (Files.exists(asPath)) {
            return asPath;
        }
        Path modelsDir = root.config().models().dir();
        Map<String, Path> models = new ModelDirectory(modelsDir).models();
        Path named = models.get(model);
        if (named == null) {
            throw new IllegalArgumentException("model '" + model + "' not found: no such file or folder, and no model of "
                    + "that name in " + modelsDir.toAbsolutePath() + " (SDBOT_MODELS)"
                    + (models.isEmpty() ? ", which holds none" : "; available: " + models.keySet()));
        }
        return named;
    }

    private static String modelName(Path checkpoint) {
        String file = checkpoint.toAbsolutePath().normalize().getFileName().toString();
        return file.endsWith(".safetensors") ? file.substring(0, file.length() - ".safetensors".length()) : file;
    }

    private static byte[] readImageFile(String option, Path file) {
        if (file == null) {
            return null;
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(option + " " + file + ": no such file");
        }
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(option + " " + file + ": cannot read it (" + e.getMessage() + ")", e);
        }
    }

    /** Checks --out before the slow part; the directory itself is created only when there are images to write. */
    private void checkOutputDirectory() {
        Path existing = out.toAbsolutePath();
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            throw new IllegalArgumentException("--out " + out + (existing != null && existing.equals(out.toAbsolutePath())
                    ? " is not a directory" : ": " + existing + " is not a directory"));
        }
        if (!Files.isWritable(existing)) {
            throw new IllegalArgumentException("--out " + out + ": " + existing + " is not writable");
        }
    }

    /** Each PNG goes to a temporary file first, then is moved to a name not taken yet: no partial or replaced files. */
    private List<Path> write(List<GeneratedImage> images) {
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new IllegalArgumentException("--out " + out + ": cannot create the directory (" + e.getMessage() + ")", e);
        }
        List<Path> written = new ArrayList<>();
        for (GeneratedImage image : images) {
            Path tmp = null;
            try {
                tmp = Files.createTempFile(out, ".sdbot-", ".png.part");
                Files.write(tmp, image.png());
                Path target = out.resolve(image.seed() + ".png");
                for (int n = 1; Files.exists(target); n++) {
                    target = out.resolve(image.seed() + "-" + n + ".png");
                }
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
                tmp = null;
                written.add(target);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot write to " + out + ": " + e.getMessage(), e);
            } finally {
                if (tmp != null) {
                    try {
                        Files.deleteIfExists(tmp);
                    } catch (IOException ignored) {
                        // best effort
                    }
                }
            }
        }
        return written;
    }

    /** A progress bar on stderr, shown from the first finished step (so an early error stays one line). */
    private static final class StepBar implements ProgressListener {
        private final PrintWriter err;
        private ProgressBar bar;

        StepBar(PrintWriter err) {
            this.err = err;
        }

        @Override
        public void onProgress(Progress progress) {
            if (bar == null) {
                bar = new ProgressBarBuilder().setTaskName("steps").setInitialMax(progress.totalSteps())
                        .setUpdateIntervalMillis(200)
                        .setConsumer(new DelegatingProgressBarConsumer(line -> {
                            err.print('\r' + line);
                            err.flush();
                        })).build();
            }
            bar.stepTo(progress.step());
        }

        void close() {
            if (bar != null) {
                bar.close();
                err.println();
                err.flush();
            }
        }
    }
}
