package dev.sdbot.loadtest;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code ./sdbot jobs soak}: the soak test with faults as a command (it runs longer than a CI test should;
 * SoakCommandTest runs a short one). The launcher script runs it from this module in a source checkout; the shipped
 * jar does not contain it. Exit code 1 when a job was lost, executed twice or posted twice.
 */
@Command(name = "sdbot jobs soak", mixinStandardHelpOptions = true,
        description = "Runs the job system with faults on a temporary database: a bot on a fake Discord, 2 scheduler nodes "
                + "and 3 workers (test pattern) as child processes; workers SIGKILLed on a schedule, the leader scheduler "
                + "SIGKILLed, the database restarted, one worker's clock off. Prints jobs, lost, duplicated, posted-twice, "
                + "jobs/s and p99 wait; exits 1 when anything was lost, duplicated or posted twice.")
public final class SoakCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--jobs", defaultValue = "10000", description = "Jobs to submit (${DEFAULT-VALUE}).")
    int jobs;
    @Option(names = "--rate", defaultValue = "20", description = "Commands per second; the soak lasts jobs/rate (${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--kill-worker-every", defaultValue = "30", description = "Seconds between worker SIGKILLs (${DEFAULT-VALUE}).")
    int killWorkerEvery;
    @Option(names = "--clock-skew", defaultValue = "60", description = "Seconds the third worker's clock is ahead (${DEFAULT-VALUE}).")
    int clockSkew;
    @Option(names = "--db-outage", defaultValue = "5", description = "Seconds the database is down (${DEFAULT-VALUE}).")
    int databaseOutage;
    @CommandLine.Mixin
    ClusterOptions cluster;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command with sdbot's handling of bad input: "error: ..." and exit code 1, no stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new SoakCommand());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            if (e instanceof IllegalArgumentException) {
                commandLine.getErr().println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
        return cli;
    }

    @Override
    public Integer call() throws Exception {
        SoakPlan plan = new SoakPlan(jobs, rate, cluster.slots, cluster.steps, cluster.stepMillis, cluster.lease(),
                Duration.ofSeconds(killWorkerEvery), Duration.ofSeconds(clockSkew), Duration.ofSeconds(databaseOutage),
                cluster.drain());
        PrintWriter out = spec.commandLine().getOut();
        return cluster.inTemporaryDirectory("sdbot-soak", out, dir -> new Soak(plan, dir, out).run());
    }
}
