package dev.sdbot.bot.cli;

import com.zaxxer.hikari.HikariDataSource;
import dev.sdbot.db.Database;
import dev.sdbot.db.DatabaseSettings;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobEvents;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.SchedulerNode;
import dev.sdbot.scheduler.SchedulerSettings;
import dev.sdbot.scheduler.images.FileImageStore;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.scheduler.worker.WorkerRuntime;
import dev.sdbot.scheduler.worker.WorkerSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Measures the job system's own overhead with the test-pattern generator (no model): bookkeeping
 * throughput for a burst (submit → SUCCEEDED) after a warm-up burst, the machine's CPU time per job,
 * and dispatch latency (QUEUED → RUNNING) at a paced rate, on a throw-away embedded database with
 * several scheduler nodes and workers.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks the job system with the fake generator on a temporary embedded database.")
final class JobsBenchCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--jobs", defaultValue = "2000", description = "Jobs in the throughput burst (${DEFAULT-VALUE}).")
    int jobs;
    @Option(names = "--users", defaultValue = "20", description = "Distinct users submitting (${DEFAULT-VALUE}).")
    int users;
    @Option(names = "--nodes", defaultValue = "2", description = "Scheduler nodes (${DEFAULT-VALUE}).")
    int nodes;
    @Option(names = "--workers", defaultValue = "3", description = "Workers (${DEFAULT-VALUE}).")
    int workers;
    @Option(names = "--slots", defaultValue = "8", description = "Slots per worker (${DEFAULT-VALUE}).")
    int slots;
    @Option(names = "--warmup-jobs", defaultValue = "2000",
            description = "Jobs run first and not measured, so that the JIT has compiled the hot paths as in a running service (${DEFAULT-VALUE}).")
    int warmupJobs;
    @Option(names = "--latency-jobs", defaultValue = "200", description = "Jobs in the paced latency phase (${DEFAULT-VALUE}).")
    int latencyJobs;
    @Option(names = "--rate", defaultValue = "50", description = "Submissions per second in the latency phase (${DEFAULT-VALUE}).")
    int rate;

    private static final int SUBMITTERS = 8;
    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    @Override
    public Integer call() throws Exception {
        if (warmupJobs < 0 || jobs < 1 || users < 1 || nodes < 1 || workers < 1 || slots < 1 || latencyJobs < 1 || rate < 1) {
            throw new IllegalArgumentException("all bench options must be positive");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("sdbot-bench");
        try {
            Database db = Database.open(DatabaseSettings.embedded(dir).withMaxPoolSize(SUBMITTERS + 2));
            open.push(db);
            SchedulerSettings settings = SchedulerSettings.defaults().withLease(Duration.ofSeconds(30)).withDispatchInterval(Duration.ofMillis(500));
            ImageStore images = new FileImageStore(dir.resolve("images"));
            JobService service = new JobService(db.dataSource(), images, settings, Clock.systemUTC());
            if (System.getProperty("sdbot.pg.preload") != null) { // diagnostics: -Dsdbot.pg.preload=pg_stat_statements
                try (Connection c = db.dataSource().getConnection(); java.sql.Statement st = c.createStatement()) {
                    st.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
                }
            }
            for (int i = 0; i < nodes; i++) {
                HikariDataSource pool = pool(db, 4);
                open.push(new SchedulerNode(pool, images, settings, events(pool, "node" + i)).start());
            }
            for (int i = 0; i < workers; i++) {
                HikariDataSource pool = pool(db, slots + 2);
                WorkerSettings ws = WorkerSettings.defaults().withId("bench-worker-" + i).withSlots(slots)
                        .withTiming(Duration.ofSeconds(2), Duration.ofMillis(500));
                WorkerRuntime worker = new WorkerRuntime(pool, images, new TestPatternGenerator(), ws, settings, Clock.systemUTC(),
                        events(pool, "worker" + i)).start();
                open.push(() -> worker.stop(Duration.ofSeconds(5)));
            }
            out.printf("setup           %d scheduler node(s), %d worker(s) x %d slot(s), fake generator (1 step, 64x64)%n", nodes, workers, slots);
            out.flush();

            if (warmupJobs > 0) {
                double seconds = burst(service, db, 0, warmupJobs);
                out.printf("warm-up         %.0f jobs/s (%d jobs in %.2f s, cold JVM: includes JIT compilation)%n",
                        warmupJobs / seconds, warmupJobs, seconds);
                out.flush();
            }
            long[] cpuBefore = machineCpuTicks();
            double seconds = burst(service, db, warmupJobs, jobs);
            long[] cpuAfter = machineCpuTicks();
            out.printf("throughput      %.0f jobs/s (%d jobs from %d users, submit -> SUCCEEDED in %.2f s)%n", jobs / seconds, jobs, users, seconds);
            if (cpuBefore != null && cpuAfter != null) {
                long busy = cpuAfter[0] - cpuBefore[0];
                out.printf("cpu             %.2f ms per job, machine %.0f%% busy (database and sdbot, %d cores)%n",
                        busy * 10.0 / jobs, 100.0 * busy / Math.max(1, cpuAfter[1] - cpuBefore[1]), Runtime.getRuntime().availableProcessors());
            }
            out.flush();

            long firstPaced = submitPaced(service);
            awaitSucceeded(db, warmupJobs + jobs + latencyJobs);
            double[] latency = dispatchLatencyMillis(db, firstPaced);
            out.printf("dispatch p50    %.1f ms (QUEUED -> RUNNING, %d jobs at %d/s)%n", latency[0], latencyJobs, rate);
            out.printf("dispatch p99    %.1f ms%n", latency[1]);
            if (System.getProperty("sdbot.pg.preload") != null) { // diagnostics: -Dsdbot.pg.preload=pg_stat_statements
                try (Connection c = db.dataSource().getConnection(); java.sql.Statement st = c.createStatement();
                     ResultSet r2 = st.executeQuery("SELECT round(avg(extract(epoch FROM started_at - assigned_at)) * 1000, 1),"
                             + " round(avg(extract(epoch FROM finished_at - started_at)) * 1000, 1),"
                             + " round((sum(extract(epoch FROM finished_at - assigned_at)) / extract(epoch FROM max(finished_at) - min(assigned_at)))::numeric, 1)"
                             + " FROM jobs WHERE id > " + warmupJobs + " AND id <= " + (warmupJobs + jobs))) {
                    r2.next();
                    out.printf("burst: assigned->running %s ms, running->succeeded %s ms, mean slots in use %s%n", r2.getString(1), r2.getString(2), r2.getString(3));
                }
                try (Connection c = db.dataSource().getConnection(); java.sql.Statement st = c.createStatement();
                     ResultSet rs = st.executeQuery("SELECT calls, round(total_exec_time::numeric,1), round(mean_exec_time::numeric,3), left(regexp_replace(query,'\\s+',' ','g'),110) FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25")) {
                    while (rs.next()) out.printf("%8d %9s ms %8s %s%n", rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4));
                }
            }
            out.flush();
            return 0;
        } finally {
            while (!open.isEmpty()) {
                open.pop().close();
            }
            deleteTree(dir);
        }
    }

    private HikariDataSource pool(Database db, int size) {
        HikariDataSource pool = Database.pool(db.jdbcUrl(), db.user(), db.password(), size);
        open.push(pool);
        return pool;
    }

    private JobEvents events(HikariDataSource pool, String name) {
        JobEvents events = new JobEvents(pool, name).start();
        open.push(events);
        return events;
    }

    private static GenerationRequest request(int i) {
        return GenerationRequest.builder("bench " + i, TestPatternGenerator.MODEL).steps(1).size(64, 64).seed((long) i)
                .build();
    }

    /** Submits {@code count} jobs from several threads at once and waits for all to succeed; returns the seconds taken. */
    private double burst(JobService service, Database db, int first, int count) throws Exception {
        long start = System.nanoTime();
        ExecutorService submitters = Executors.newFixedThreadPool(SUBMITTERS);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < SUBMITTERS; t++) {
                int thread = t;
                futures.add(submitters.submit(() -> {
                    for (int i = first + thread; i < first + count; i += SUBMITTERS) {
                        service.submit(new JobSubmission(request(i), JobOrigin.cli(1, 1000 + i % users)));
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                f.get();
            }
        } finally {
            submitters.shutdown();
        }
        awaitSucceeded(db, first + count);
        return (System.nanoTime() - start) / 1e9;
    }

    private long submitPaced(JobService service) throws Exception {
        long first = -1;
        long intervalNanos = 1_000_000_000L / rate;
        long next = System.nanoTime();
        for (int i = 0; i < latencyJobs; i++) {
            long id = service.submit(new JobSubmission(request(warmupJobs + jobs + i), JobOrigin.cli(1, 1000 + i % users)));
            first = first < 0 ? id : first;
            next += intervalNanos;
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
        }
        return first;
    }

    /** Polls one cheap count (the bench should not load the database it measures with JobService.stats()). */
    private static void awaitSucceeded(Database db, long expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM jobs WHERE state = 'SUCCEEDED'")) {
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) >= expected) {
                        return;
                    }
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("jobs did not finish within 5 minutes");
                }
                Thread.sleep(20);
            }
        }
    }

    /** Busy and total CPU ticks (1/100 s) of the whole machine from /proc/stat, or null where there is none. */
    private static long[] machineCpuTicks() {
        try {
            String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < fields.length; i++) {
                total += Long.parseLong(fields[i]);
            }
            long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]); // idle + iowait
            return new long[] {total - idle, total};
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static double[] dispatchLatencyMillis(Database db, long firstId) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms),"
                     + " percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) FROM"
                     + " (SELECT extract(epoch FROM started_at - created_at) * 1000 AS ms FROM jobs WHERE id >= ?) latencies")) {
            ps.setLong(1, firstId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new double[] {rs.getDouble(1), rs.getDouble(2)};
            }
        }
    }

    private static void deleteTree(Path dir) throws java.io.IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
