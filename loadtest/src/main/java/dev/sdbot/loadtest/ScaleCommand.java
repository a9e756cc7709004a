package dev.sdbot.loadtest;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.s3.S3TestServer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./sdbot jobs scale}: the scale simulation of issue 19 on one machine. Every sdbot part is a real child
 * process on a real embedded PostgreSQL and a real S3 server (s3proxy, filesystem backend, in this process): bot
 * processes with shard ranges (JDA against the fake Discord of the test kit: Discord is the one simulated part),
 * scheduler nodes, workers with the test-pattern generator. Members of every guild type /imagine; the command prints
 * throughput, latencies, what the database wrote per job and whether every job was posted once, by its shard's bot.
 */
@Command(name = "sdbot jobs scale", mixinStandardHelpOptions = true,
        description = "Scale simulation: 3 bot processes with shard ranges over 30 guilds (fake Discord), 2 scheduler nodes, "
                + "8 test-pattern workers, embedded PostgreSQL, images on a local S3 server (s3proxy). Prints jobs/s, queue wait, "
                + "submit-to-posted time, rows, table bytes and WAL bytes per job, and the posted-once check; exits 1 when a job "
                + "was not posted exactly once by the bot process of its guild's shard.")
public final class ScaleCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--jobs", defaultValue = "600", description = "Jobs to submit (${DEFAULT-VALUE}).")
    int jobs;
    @Option(names = "--rate", defaultValue = "10", description = "Commands per second (${DEFAULT-VALUE}).")
    double rate;
    @Option(names = "--guilds", defaultValue = "30", description = "Guilds the members type in (${DEFAULT-VALUE}).")
    int guilds;
    @Option(names = "--bots", defaultValue = "3", description = "Bot processes (${DEFAULT-VALUE}).")
    int bots;
    @Option(names = "--shards", defaultValue = "6", description = "Shards, split into one range per bot process (${DEFAULT-VALUE}).")
    int shards;
    @Option(names = "--scheduler-nodes", defaultValue = "2", description = "Scheduler nodes (${DEFAULT-VALUE}).")
    int nodes;
    @Option(names = "--workers", defaultValue = "8", description = "Worker processes (${DEFAULT-VALUE}).")
    int workers;
    @Option(names = "--size", defaultValue = "512", description = "Image side in pixels (${DEFAULT-VALUE}).")
    int size;
    @CommandLine.Mixin
    ClusterOptions options;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command with sdbot's handling of bad input: "error: ..." and exit code 1, no stack trace. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new ScaleCommand());
        // jobs as long as those of `jobs wal` (where the "before" WAL figure comes from), not the soak's short ones
        cli.setDefaultValueProvider(option -> option instanceof CommandLine.Model.OptionSpec o
                ? Map.of("--steps", "20", "--step-ms", "100").get(o.longestName()) : null);
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
        ScalePlan plan = new ScalePlan(jobs, rate, guilds, bots, shards, nodes, workers, size);
        PrintWriter out = spec.commandLine().getOut();
        return options.inTemporaryDirectory("sdbot-scale", out, dir -> run(plan, dir, out));
    }

    private boolean run(ScalePlan plan, Path dir, PrintWriter out) throws Exception {
        Path s3Files = dir.resolve("s3");
        try (SoakDatabase database = SoakDatabase.start(dir.resolve("postgres"));
             S3TestServer s3 = S3TestServer.start(s3Files);
             FakeDiscord discord = FakeDiscord.start(plan.guilds(), plan.shards())) {
            database.migrate();
            try (ScaleCluster cluster = new ScaleCluster(plan, database, discord, s3.endpoint(), dir, options)) {
                long setup = System.nanoTime();
                cluster.start();
                out.printf("setup           %d bot processes (shards %s), %d scheduler nodes, %d workers x %d slots: real child "
                                + "processes, started in %.0f s; PostgreSQL (embedded) and S3 (s3proxy) real, Discord the test "
                                + "kit's fake (logs: %s)%n", plan.bots(), cluster.bots.stream().map(b -> b.shards().toString()).toList(),
                        plan.nodes(), plan.workers(), options.slots, (System.nanoTime() - setup) / 1e9, dir.resolve("processes.log"));
                out.printf("plan            %d jobs at %.1f/s from members of %d guilds, %dx%d test pattern, %d steps x %d ms, "
                                + "64x64 previews%n",
                        plan.jobs(), plan.rate(), plan.guilds(), plan.size(), plan.size(), options.steps, options.stepMillis);
                out.flush();
                DatabaseCounters before = DatabaseCounters.read(database);
                SoakSubmitter submitter = new SoakSubmitter(plan.jobs(), plan.rate(), options.steps,
                        plan.size() + "x" + plan.size(), discord);
                submitter.run();
                submitter.settle(SoakSubmitter.RETRY_AFTER.multipliedBy(3));
                awaitPosted(database, plan.jobs(), out);
                DatabaseCounters after = DatabaseCounters.read(database);
                ScaleReport report = new ScaleReport();
                report.print(out, plan, database, discord, cluster, before, after, s3Files, submitter.retries());
                out.println("load            " + Files.readString(Path.of("/proc/loadavg")).trim() + " (/proc/loadavg at the end)");
                return report.passed();
            }
        }
    }

    /** Waits until every job is in an end state, or the drain timeout. */
    private void awaitPosted(SoakDatabase database, int expected, PrintWriter out) throws Exception {
        long deadline = System.nanoTime() + options.drain().toNanos();
        String endStates = "'" + String.join("','", SoakReport.END_STATES) + "'";
        while (System.nanoTime() < deadline) {
            try (var c = database.connect(); var st = c.createStatement();
                 var rs = st.executeQuery("SELECT count(*) FILTER (WHERE state IN (" + endStates + ")), count(*) FROM jobs")) {
                rs.next();
                if (rs.getLong(1) == rs.getLong(2) && rs.getLong(2) >= expected) {
                    return;
                }
            }
            Thread.sleep(500);
        }
        out.println("timed out after " + Duration.ofNanos(options.drain().toNanos()).toSeconds() + " s with jobs not ended");
    }
}
