package dev.sdbot.bot.cli;

import dev.sdbot.bot.http.ProcessHttp;
import dev.sdbot.bot.runtime.SdbotRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

@Command(name = "scheduler", mixinStandardHelpOptions = true,
        description = "Runs a scheduler node only (Quartz cluster member and dispatcher). Run several against one database for failover.")
final class SchedulerCommand implements Callable<Integer> {
    @ParentCommand
    SdbotCommand root;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        return ServiceCommands.startAndRun(root, spec.commandLine().getOut(), ProcessHttp.Role.SCHEDULER,
                SdbotRuntime::startScheduler,
                runtime -> "sdbot scheduler node " + runtime.scheduler().orElseThrow().quartzInstanceId()
                        + " running on " + runtime.database().describe());
    }
}
