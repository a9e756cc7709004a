package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.SdbotRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "release-worker", mixinStandardHelpOptions = true,
        description = "Lifts the quarantine of a worker (see 'jobs stats') so it takes jobs again.")
final class JobsReleaseWorkerCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Worker id.")
    String workerId;

    @Override
    public Integer call() {
        try (SdbotRuntime runtime = jobs.openRuntime()) {
            boolean released = runtime.jobs().releaseWorker(workerId);
            spec.commandLine().getOut().println(released ? "worker " + workerId + " released"
                    : "worker " + workerId + " is not quarantined");
            spec.commandLine().getOut().flush();
            return released ? 0 : 1;
        }
    }
}
