package dev.sdbot.loadtest;

import com.zaxxer.hikari.HikariDataSource;
import dev.sdbot.db.Database;
import dev.sdbot.db.DatabaseSettings;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobEvents;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.SchedulerNode;
import dev.sdbot.scheduler.SchedulerSettings;
import dev.sdbot.scheduler.images.FileImageStore;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.images.S3ImageStore;
import dev.sdbot.testkit.s3.S3TestServer;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
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
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code ./sdbot jobs wal}: what one job costs the database. Runs N test-pattern jobs (512x512 by default, with a
 * 64x64 step preview like the engine's) through a scheduler node and a worker on a throw-away embedded PostgreSQL,
 * reads and marks each result posted as the bot does, and prints the WAL bytes (pg_current_wal_lsn() before and
 * after) and the rows inserted/updated/deleted per job. A command, not a test: it prints numbers.
 */
@Command(name = "sdbot jobs wal", mixinStandardHelpOptions = true,
        description = "Measures WAL bytes and rows written per test-pattern job on a temporary embedded database.")
public final class WalPerJobCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--jobs", defaultValue = "50", description = "Jobs measured (${DEFAULT-VALUE}).")
    int jobs;
    @Option(names = "--size", defaultValue = "512", description = "Image side in pixels (${DEFAULT-VALUE}).")
    int size;
    @Option(names = "--steps", defaultValue = "20", description = "Steps per job (${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--step-ms", defaultValue = "100", description = "Time per step (${DEFAULT-VALUE}).")
    int stepMillis;
    @Option(names = "--image-store", defaultValue = "filesystem",
            description = "filesystem, or s3: an S3 server (s3proxy) started by the command (${DEFAULT-VALUE}).")
    String imageStore;

    private final Deque<AutoCloseable> open = new ArrayDeque<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new WalPerJobCommand()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (jobs < 1 || size < 64 || size % 8 != 0 || steps < 1 || stepMillis < 0) {
            throw new IllegalArgumentException("--jobs and --steps must be positive, --size a multiple of 8 of at least 64");
        }
        PrintWriter out = spec.commandLine().getOut();
        Path dir = Files.createTempDirectory("sdbot-wal");
        try {
            Database db = Database.open(DatabaseSettings.embedded(dir.resolve("db")).withMaxPoolSize(4));
            open.push(db);
            ImageStore images = images(dir);
            SchedulerSettings settings = SchedulerSettings.defaults().withDispatchInterval(Duration.ofMillis(500));
            JobService service = new JobService(db.dataSource(), images, settings, Clock.systemUTC());
            HikariDataSource nodePool = pool(db, 4);
            open.push(new SchedulerNode(nodePool, images, settings, events(nodePool, "node")).start());
            HikariDataSource workerPool = pool(db, 6);
            WorkerSettings ws = WorkerSettings.defaults().withId("wal-worker").withSlots(4)
                    .withTiming(Duration.ofSeconds(2), Duration.ofMillis(500));
            WorkerRuntime worker = new WorkerRuntime(workerPool, images, new PreviewingGenerator(new TestPatternGenerator(
                    Set.of(TestPatternGenerator.MODEL), Duration.ofMillis(stepMillis))), ws,
                    settings, Clock.systemUTC(), events(workerPool, "worker")).start();
            open.push(() -> worker.stop(Duration.ofSeconds(5)));

            run(service, 4); // warm-up: first inserts of each table, JIT
            long[] before = counters(db);
            long started = System.nanoTime();
            run(service, jobs);
            double seconds = (System.nanoTime() - started) / 1e9;
            long[] after = counters(db);
            long wal = after[0] - before[0];
            out.printf("jobs            %d (%dx%d test pattern, %d steps x %d ms, 64x64 previews) in %.1f s, %s%n",
                    jobs, size, size, steps, stepMillis, seconds, images.describe());
            out.printf("wal             %.1f KB per job (%d bytes in all)%n", wal / 1024.0 / jobs, wal);
            out.printf("rows            %.1f inserted, %.1f updated, %.1f deleted per job%n", (after[1] - before[1]) / (double) jobs,
                    (after[2] - before[2]) / (double) jobs, (after[3] - before[3]) / (double) jobs);
            out.flush();
            return 0;
        } finally {
            while (!open.isEmpty()) {
                open.pop().close();
            }
            try (var paths = Files.walk(dir)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** Submits {@code count} jobs, waits for each to succeed, reads its results and marks it posted (the bot's part). */
    private void run(JobService service, int count) throws Exception {
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            GenerationRequest request = GenerationRequest.builder("wal " + i, TestPatternGenerator.MODEL).steps(steps)
                    .size(size, size).seed((long) i).build();
            ids.add(service.submit(new JobSubmission(request, JobOrigin.cli(1, 1000 + i % 8))));
        }
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        for (long id : ids) {
            while (service.find(id).orElseThrow().state() != JobState.SUCCEEDED) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("job " + id + " did not succeed within 10 minutes");
                }
                Thread.sleep(20);
            }
            if (service.results(id).isEmpty()) {
                throw new IllegalStateException("job " + id + " has no result");
            }
            service.markPosted(id, service.find(id).orElseThrow().attempt(), 1);
        }
    }

    /** WAL position and the database's rows inserted, updated, deleted (statistics flushed first). */
    private static long[] counters(Database db) throws Exception {
        Thread.sleep(1_500); // other backends flush their statistics at most once a second
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_stat_force_next_flush()");
            st.execute("SELECT pg_stat_clear_snapshot()");
            try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn, tup_inserted, tup_updated,"
                    + " tup_deleted FROM pg_stat_database WHERE datname = current_database()")) {
                rs.next();
                return new long[] {rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)};
            }
        }
    }

    private ImageStore images(Path dir) {
        ImageStore store = switch (imageStore) {
            case "filesystem" -> new FileImageStore(dir.resolve("images"));
            case "s3" -> {
                S3TestServer server = S3TestServer.start(dir.resolve("s3"));
                open.push(server);
                yield new S3ImageStore(server.endpoint(), "us-east-1", "sdbot-images", true, StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3TestServer.ACCESS_KEY, S3TestServer.SECRET_KEY)));
            }
            default -> throw new IllegalArgumentException("--image-store must be filesystem or s3, got '" + imageStore + "'");
        };
        open.push(store);
        return store;
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
}
