package dev.sdbot.bot.cli;

import dev.sdbot.bot.http.ProcessHttp;
import dev.sdbot.bot.runtime.Generators;
import dev.sdbot.inference.api.ImageGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "worker", mixinStandardHelpOptions = true,
        description = "Runs an inference worker only: registers, takes assigned jobs and runs them on its devices. "
                + "Set SDBOT_WORKER_ID, SDBOT_WORKER_SLOTS and SDBOT_WORKER_PIXEL_BUDGET per worker.")
final class WorkerCommand implements Callable<Integer> {
    @ParentCommand
    SdbotCommand root;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        // before the database: a bad generator setting (e.g. an unusable safety checker) fails at once
        ImageGenerator generator = root.generator();
        try {
            return ServiceCommands.startAndRun(root, spec.commandLine().getOut(), ProcessHttp.Role.WORKER,
                    runtime -> runtime.startWorker(generator),
                    runtime -> "sdbot worker " + runtime.worker().orElseThrow().id() + " running on "
                            + runtime.database().describe());
        } catch (RuntimeException e) {
            generator.close(); // the runtime may not have taken it yet (closing twice is harmless)
            throw e;
        }
    }
}
