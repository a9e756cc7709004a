package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.scheduler.CancelOutcome;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancels a queued or running job (as an operator).")
final class JobsCancelCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", description = "Job id.")
    long jobId;

    @Override
    public Integer call() {
        try (SdbotRuntime runtime = jobs.openRuntime()) {
            CancelOutcome outcome = runtime.jobs().cancel(jobId, 0, true);
            spec.commandLine().getOut().println("job " + jobId + ": " + outcome);
            spec.commandLine().getOut().flush();
            return outcome == CancelOutcome.CANCELLED ? 0 : 1;
        }
    }
}
