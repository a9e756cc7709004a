package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.SdbotRuntime;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "jobs", mixinStandardHelpOptions = true,
        description = "Operator commands for the job queue. They use the database of a running './sdbot start' with the same "
                + "SDBOT_DATA_DIR, or start the embedded one.",
        subcommands = {JobsSubmitCommand.class, JobsListCommand.class, JobsShowCommand.class, JobsStatsCommand.class,
                JobsCancelCommand.class, JobsReleaseWorkerCommand.class, JobsMoveImagesCommand.class,
                JobsBenchCommand.class, JobsSoakCommand.class})
final class JobsCommand implements Callable<Integer> {
    @ParentCommand
    SdbotCommand root;

    SdbotRuntime openRuntime() {
        return SdbotRuntime.open(root.config(), root.clock());
    }

    @Override
    public Integer call() {
        new picocli.CommandLine(this).usage(System.err);
        return 2;
    }
}
