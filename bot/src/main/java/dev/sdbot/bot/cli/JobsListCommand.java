package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.scheduler.JobView;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "list", mixinStandardHelpOptions = true, description = "Lists the most recent jobs.")
final class JobsListCommand implements Callable<Integer> {
    @ParentCommand
    JobsCommand jobs;
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--limit", defaultValue = "20", description = "How many (${DEFAULT-VALUE}).")
    int limit;
    @Option(names = "--user", description = "Only this user's jobs.")
    Long user;

    @Override
    public Integer call() {
        if (limit < 1 || limit > 10_000) {
            throw new IllegalArgumentException("--limit must be between 1 and 10000, got " + limit);
        }
        try (SdbotRuntime runtime = jobs.openRuntime()) {
            List<JobView> list = user != null ? runtime.jobs().jobsOf(user, limit) : runtime.jobs().recentJobs(limit);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("%-8s %-10s %-20s %-8s %-14s %-9s %-12s %s%n", "ID", "STATE", "USER", "ATTEMPT", "MODEL", "SIZE", "PROGRESS", "PROMPT");
            for (JobView j : list) {
                String prompt = j.request().prompt();
                out.printf("%-8d %-10s %-20d %-8d %-14s %-9s %-12s %s%n", j.id(), j.state(), j.origin().userId(), j.attempt(),
                        j.request().model(), j.request().width() + "x" + j.request().height(),
                        j.progressStep() + "/" + j.progressTotal(), prompt.length() > 40 ? prompt.substring(0, 40) + "..." : prompt);
            }
            out.flush();
        }
        return 0;
    }
}
