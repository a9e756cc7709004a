package dev.sdbot.bot.cli;

import dev.sdbot.bot.config.ConfigLoader;
import dev.sdbot.bot.config.SdbotConfig;
import dev.sdbot.bot.runtime.Generators;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.scheduler.QuotaExceededException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.UnaryOperator;

/**
 * The {@code sdbot} launcher. All subcommands are registered here, in one place.
 */
@Command(name = "sdbot", mixinStandardHelpOptions = true, versionProvider = VersionCommand.Provider.class,
        description = "Discord bot that generates Stable Diffusion images.",
        subcommands = {
                StartCommand.class,
                SchedulerCommand.class,
                WorkerCommand.class,
                MigrateCommand.class,
                JobsCommand.class,
                GenerateCommand.class,
                UpscaleCommand.class,
                SelftestCommand.class,
                BenchCommand.class,
                FilterBenchCommand.class,
                ModelsCommand.class,
                ConsoleLinkCommand.class,
                VersionCommand.class,
                CommandLine.HelpCommand.class
        })
public final class SdbotCommand implements Callable<Integer> {
    /** Exit code when a submit is over quota. */
    public static final int EXIT_QUOTA = 3;

    private final Map<String, String> environment;
    private final Path configFile;
    private final Clock clock;
    private final UnaryOperator<ImageGenerator> generatorWrapper;
    private SdbotConfig config;

    @Spec
    CommandSpec spec;

    public SdbotCommand() {
        this(System.getenv(), configFile(System.getenv()));
    }

    /** For tests: a given environment and config file instead of the process's. */
    public SdbotCommand(Map<String, String> environment, Path configFile) {
        this(environment, configFile, Clock.systemUTC(), UnaryOperator.identity());
    }

    /**
     * For test entries (the soak's): also the process's clock and a wrapper around the worker's image generator.
     * Nothing of the shipped product reads these from the environment.
     */
    public SdbotCommand(Map<String, String> environment, Path configFile, Clock clock,
                        UnaryOperator<ImageGenerator> generatorWrapper) {
        this.environment = environment;
        this.configFile = configFile;
        this.clock = clock;
        this.generatorWrapper = generatorWrapper;
    }

    /** The config file: SDBOT_CONFIG, else sdbot.yaml in the working directory. */
    public static Path configFile(Map<String, String> environment) {
        return Path.of(environment.getOrDefault("SDBOT_CONFIG", "sdbot.yaml"));
    }

    /** Exit code of a launch refused before any command ran (an unusable SDBOT_LOG_FORMAT). */
    static final int EXIT_BAD_ENVIRONMENT = 2;

    public static void main(String[] args) {
        launch(new SdbotCommand(), args);
    }

    /** Runs {@code root} with the process's arguments and exits with its exit code. */
    public static void launch(SdbotCommand root, String[] args) {
        Optional<String> badLogFormat = LogFormat.problem(System.getenv(LogFormat.VARIABLE));
        if (badLogFormat.isPresent()) { // before anything logs: logback would have no appender to write to
            System.err.println("error: " + badLogFormat.get());
            System.exit(EXIT_BAD_ENVIRONMENT);
        }
        // the long-running commands return only once they have stopped (StopSignals), so exiting is always right
        System.exit(commandLine(root).execute(args));
    }

    public static CommandLine commandLine(SdbotCommand root) {
        CommandLine cli = new CommandLine(root);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof QuotaExceededException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return EXIT_QUOTA;
            }
            if (e instanceof RuntimeException) { // bad input, unreachable database...: the message says what
                commandLine.getErr().println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli;
    }

    /** The configuration, loaded on first use (so --help works even with a broken config). */
    public synchronized SdbotConfig config() {
        if (config == null) {
            config = ConfigLoader.load(environment, configFile);
        }
        return config;
    }

    /** The process's clock (UTC in the product). */
    public Clock clock() {
        return clock;
    }

    /** The worker's image generator for the configuration ({@link Generators#create}). */
    public ImageGenerator generator() {
        return generatorWrapper.apply(Generators.create(config()));
    }

    /** An environment variable of the process (or of the test's environment), or the fallback. */
    public String environment(String name, String fallback) {
        return environment.getOrDefault(name, fallback);
    }

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("Missing command.");
        spec.commandLine().usage(spec.commandLine().getErr());
        return 2;
    }
}
