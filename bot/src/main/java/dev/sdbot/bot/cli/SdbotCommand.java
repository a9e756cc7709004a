package dev.sdbot.bot.cli;

import dev.sdbot.bot.config.ConfigLoader;
import dev.sdbot.bot.config.SdbotConfig;
import dev.sdbot.scheduler.QuotaExceededException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

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
    private SdbotConfig config;

    @Spec
    CommandSpec spec;

    public SdbotCommand() {
        this(System.getenv(), Path.of(System.getenv().getOrDefault("SDBOT_CONFIG", "sdbot.yaml")));
    }

    /** For tests: a given environment and config file instead of the process's. */
    public SdbotCommand(Map<String, String> environment, Path configFile) {
        this.environment = environment;
        this.configFile = configFile;
    }

    /** Exit code of a launch refused before any command ran (an unusable SDBOT_LOG_FORMAT). */
    static final int EXIT_BAD_ENVIRONMENT = 2;

    public static void main(String[] args) {
        Optional<String> badLogFormat = LogFormat.problem(System.getenv(LogFormat.VARIABLE));
        if (badLogFormat.isPresent()) { // before anything logs: logback would have no appender to write to
            System.err.println("error: " + badLogFormat.get());
            System.exit(EXIT_BAD_ENVIRONMENT);
        }
        // the long-running commands return only once they have stopped (StopSignals), so exiting is always right
        System.exit(commandLine(new SdbotCommand()).execute(args));
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

    /** The process's clock (UTC, unless the SDBOT_TEST_CLOCK_OFFSET_MS test hook shifts it). */
    public java.time.Clock clock() {
        return dev.sdbot.bot.runtime.TestHooks.clock(environment);
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
