package dev.sdbot.bot.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Map;

/** Runs the launcher in-process with a given environment and captures what it prints. */
final class CliRunner {
    record Result(int exitCode, String out, String err) {
    }

    private final Map<String, String> environment;
    private final Path configFile;

    CliRunner(Map<String, String> environment, Path configFile) {
        this.environment = environment;
        this.configFile = configFile;
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = SdbotCommand.commandLine(new SdbotCommand(environment, configFile));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }
}
