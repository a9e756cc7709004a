package dev.sdbot.bot.runtime;

import ai.djl.Device;
import dev.sdbot.bot.config.SdbotConfig;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.nn.Attention;
import dev.sdbot.inference.pipeline.DiffusionGenerator;
import dev.sdbot.inference.pipeline.Devices;
import dev.sdbot.inference.pipeline.LibtorchRoute;
import dev.sdbot.inference.pipeline.Precision;
import dev.sdbot.inference.pipeline.ModelDirectory;
import dev.sdbot.inference.safety.SafetyCheckerFolder;
import dev.sdbot.inference.vae.VaeTiling;
import dev.sdbot.inference.weights.CheckpointException;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Picks the worker's image generator by name (SDBOT_GENERATOR): {@code diffusion} (the engine, models from
 * SDBOT_MODELS), {@code test-pattern} (a deterministic fake, no weights) or {@code auto} (the default: the
 * engine when the models directory holds at least one model, else the test pattern). The engine's shared safety
 * checker (SDBOT_SAFETY_CHECKER, else SDBOT_MODELS/safety-checker) is validated first, whatever the generator:
 * a configured checker that cannot be used stops the worker from starting rather than leaving images unchecked.
 */
public final class Generators {
    private static final Logger log = LoggerFactory.getLogger(Generators.class);

    private Generators() {
    }

    public static ImageGenerator create(SdbotConfig config) {
        Optional<SafetyCheckerFolder> checker = sharedSafetyChecker(config);
        List<Device> devices = devices(config);
        return switch (config.engine().generator()) {
            case "diffusion" -> diffusion(config, devices, checker, "SDBOT_GENERATOR=diffusion");
            case "test-pattern" -> testPattern(config, "SDBOT_GENERATOR=test-pattern");
            case "auto" -> {
                Set<String> models = new ModelDirectory(config.models().dir()).models().keySet();
                yield models.isEmpty()
                        ? testPattern(config, "SDBOT_GENERATOR=auto and no model in " + config.models().dir().toAbsolutePath()
                        + " (SDBOT_MODELS)")
                        : diffusion(config, devices, checker, "SDBOT_GENERATOR=auto and " + models.size() + " model(s) in "
                        + config.models().dir().toAbsolutePath() + ": " + models);
            }
            default -> throw new IllegalArgumentException("unknown generator '" + config.engine().generator()
                    + "' (SDBOT_GENERATOR), available: auto, diffusion, test-pattern");
        };
    }

    /**
     * The safety checker for models without their own: SDBOT_SAFETY_CHECKER, else SDBOT_MODELS/safety-checker when
     * it exists, else none.
     *
     * @throws IllegalArgumentException naming the setting when the folder is missing or unusable
     */
    public static Optional<SafetyCheckerFolder> sharedSafetyChecker(SdbotConfig config) {
        Path configured = config.models().safetyChecker();
        try {
            return configured != null ? Optional.of(SafetyCheckerFolder.open(configured))
                    : SafetyCheckerFolder.shared(config.models().dir());
        } catch (CheckpointException e) {
            throw new IllegalArgumentException((configured != null ? "SDBOT_SAFETY_CHECKER (safetyChecker)"
                    : "the shared safety checker in SDBOT_MODELS") + " cannot be used: " + e.getMessage(), e);
        }
    }

    /**
     * The worker's devices, checked at start whatever the generator: a CUDA device loads the CUDA libtorch
     * ({@link LibtorchRoute}) and must exist, and the precision must run on every device.
     *
     * @throws IllegalArgumentException naming SDBOT_WORKER_DEVICES or SDBOT_PRECISION and what is wrong
     */
    static List<Device> devices(SdbotConfig config) {
        List<String> names = config.worker().deviceList();
        List<Device> devices;
        try {
            LibtorchRoute.prepare(names);
            devices = names.stream().map(Devices::parse).toList();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("SDBOT_WORKER_DEVICES (workerDevices): " + e.getMessage(), e);
        }
        if (new HashSet<>(devices).size() != devices.size()) {
            throw new IllegalArgumentException("SDBOT_WORKER_DEVICES (workerDevices) names a device twice: " + names);
        }
        for (Device device : devices) {
            try {
                config.engine().parsedPrecision().computeType(device);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("SDBOT_PRECISION (precision) on " + device + ": " + e.getMessage(), e);
            }
        }
        return devices;
    }

    private static ImageGenerator diffusion(SdbotConfig config, List<Device> devices, Optional<SafetyCheckerFolder> checker,
                                            String why) {
        Precision precision = config.engine().parsedPrecision();
        Attention.use(config.engine().parsedAttention());
        log.info("image generator: diffusion engine on {} in {} ({}), model cache {} GB per device, shared safety "
                        + "checker: {}", devices, precision.label(), why, config.models().cacheGb(),
                checker.map(c -> c.checkerDir().toAbsolutePath().toString()).orElse("none"));
        List<DiffusionGenerator> engines = devices.stream().map(device -> new DiffusionGenerator(config.models().dir(),
                config.models().cacheGb(), device, precision, DiffusionGenerator.DEFAULT_BATCH_PIXELS, checker)).toList();
        engines.forEach(engine -> engine.setVaeTiling(VaeTiling.above(config.engine().vaeTileAbovePixels())));
        return engines.size() == 1 ? engines.get(0) : new DeviceEngines(engines);
    }

    private static ImageGenerator testPattern(SdbotConfig config, String why) {
        log.info("image generator: test pattern, no real images ({})", why);
        // answers to the default model's name too, so a laptop setup without weights runs end to end
        return new TestPatternGenerator(new HashSet<>(List.of(TestPatternGenerator.MODEL, config.models().defaultModel())),
                Duration.ofMillis(config.engine().testPatternStepMillis()));
    }
}
