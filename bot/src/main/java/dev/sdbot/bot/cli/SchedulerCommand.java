package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.SdbotRuntime;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.time.Clock;
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
        PrintWriter out = spec.commandLine().getOut();
        SdbotRuntime runtime = SdbotRuntime.open(root.config(), Clock.systemUTC());
        try {
            runtime.startScheduler();
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        out.println("sdbot scheduler node " + runtime.scheduler().orElseThrow().quartzInstanceId() + " running on "
                + runtime.database().describe());
        out.flush();
        return ServiceCommands.runUntilStopped(runtime, out);
    }
}
