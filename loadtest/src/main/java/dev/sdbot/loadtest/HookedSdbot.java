package dev.sdbot.loadtest;

import dev.sdbot.bot.cli.SdbotCommand;
import dev.sdbot.inference.api.ImageGenerator;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * {@code sdbot} with the soak's {@link TestHooks} installed: the entry the soak's child processes run. The shipped
 * jar does not contain it, so the hooks cannot be switched on in production.
 */
public final class HookedSdbot {
    private HookedSdbot() {
    }

    public static void main(String[] args) {
        Map<String, String> environment = System.getenv();
        Optional<Path> completionLog = TestHooks.completionLog(environment);
        SdbotCommand.launch(new SdbotCommand(environment, SdbotCommand.configFile(environment), TestHooks.clock(environment),
                generator -> {
                    ImageGenerator previewing = TestHooks.previews(environment) ? new PreviewingGenerator(generator) : generator;
                    return completionLog.<ImageGenerator>map(log -> new CompletionLogging(previewing, log)).orElse(previewing);
                }),
                args);
    }
}
