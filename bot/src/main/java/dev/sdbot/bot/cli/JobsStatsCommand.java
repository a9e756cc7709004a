package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.scheduler.JobStats;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "Prints one 'STATE COUNT' line per job state, the queue depth and per-worker throughput.")
final class JobsStatsCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (SdbotRuntime runtime = jobs.openRuntime()) {
            JobStats stats = runtime.jobs().stats();
            PrintWriter out = spec.commandLine().getOut();
            stats.countsByState().forEach((state, count) -> out.println(state + " " + count));
            out.println("queue depth " + stats.queueDepth());
            for (JobStats.WorkerStats w : stats.workers()) {
                out.println("worker " + w.id() + " host=" + w.host() + " live=" + w.live() + " slots=" + w.slots()
                        + " busy=" + w.busy() + " succeeded=" + w.succeeded() + " failed=" + w.failed()
                        + " jobs/min=" + w.jobsLastMinute()
                        + (w.quarantineReason() != null ? " QUARANTINED: " + w.quarantineReason() : ""));
            }
            out.flush();
        }
        return 0;
    }
}
