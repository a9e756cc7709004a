package dev.sdbot.scheduler.testing;

import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.scheduler.JobEvents;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.SchedulerNode;
import dev.sdbot.scheduler.SchedulerSettings;
import dev.sdbot.scheduler.images.FileImageStore;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.scheduler.worker.WorkerRuntime;
import dev.sdbot.scheduler.worker.WorkerSettings;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The job system wired on a test database the way separate processes would be: every scheduler
 * node and worker gets its own connection pool and LISTEN connection. Short timings for tests.
 */
public final class JobSystem implements AutoCloseable {
    public static final SchedulerSettings FAST = SchedulerSettings.defaults()
            .withLease(Duration.ofSeconds(3))
            .withDispatchInterval(Duration.ofMillis(300))
            .withWorkerTimeout(Duration.ofSeconds(3));
    public static final Duration HEARTBEAT = Duration.ofMillis(300);
    public static final Duration POLL = Duration.ofMillis(500);

    private final TestDatabase db;
    private final SchedulerSettings settings;
    private final Clock clock;
    private final JobService jobs;
    private final ImageStore images;
    private final Deque<AutoCloseable> started = new ArrayDeque<>();
    /** The meters of every node and worker of this system (as if one process ran them all). */
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    public JobSystem(TestDatabase db, SchedulerSettings settings, Clock clock) {
        this(db, settings, clock, imagesOf(db));
    }

    /** A system whose service, nodes and workers share the given image store. */
    public JobSystem(TestDatabase db, SchedulerSettings settings, Clock clock, ImageStore images) {
        this.db = db;
        this.settings = settings;
        this.clock = clock;
        this.images = images;
        this.jobs = new JobService(db.dataSource(), images, settings, clock);
    }

    public JobSystem(TestDatabase db) {
        this(db, FAST, Clock.systemUTC());
    }

    public JobService jobs() {
        return jobs;
    }

    public ImageStore images() {
        return images;
    }

    /** The image store of a test database: a directory of its own per database, so its child processes share it. */
    public static ImageStore imagesOf(TestDatabase db) {
        return imagesOf(db.jdbcUrl());
    }

    public static ImageStore imagesOf(String jdbcUrl) {
        return new FileImageStore(Path.of(System.getProperty("java.io.tmpdir"),
                "sdbot-test-images-" + Integer.toHexString(jdbcUrl.hashCode())));
    }

    public SimpleMeterRegistry meters() {
        return meters;
    }

    public SchedulerSettings settings() {
        return settings;
    }

    public static GenerationRequest request(String prompt, int steps) {
        GenerationRequest r = GenerationRequest.txt2img(prompt, TestPatternGenerator.MODEL, 64, 64, null);
        return new GenerationRequest(r.prompt(), r.negativePrompt(), r.model(), r.sampler(), steps, r.cfgScale(), r.width(),
                r.height(), r.seed(), r.count(), null, r.strength(), null, r.clipSkip());
    }

    public JobEvents events(String name) {
        JobEvents events = new JobEvents(db.newPool(2), name).start();
        started.push(events);
        return events;
    }

    public SchedulerNode startNode() {
        DataSource pool = db.newPool(4);
        SchedulerNode node = new SchedulerNode(pool, images, settings, events("node"), meters);
        started.push(node);
        return node.start();
    }

    public WorkerRuntime startWorker(String id, int slots, ImageGenerator generator) {
        return startWorker(WorkerSettings.defaults().withId(id).withSlots(slots).withTiming(HEARTBEAT, POLL), generator);
    }

    public WorkerRuntime startWorker(WorkerSettings workerSettings, ImageGenerator generator) {
        return startWorker(workerSettings, generator, clock);
    }

    /** A worker on a host whose clock is {@code workerClock} (e.g. one that is off). */
    public WorkerRuntime startWorker(WorkerSettings workerSettings, ImageGenerator generator, Clock workerClock) {
        DataSource pool = db.newPool(Math.min(workerSettings.slots() + 2, 10));
        WorkerRuntime worker = new WorkerRuntime(pool, images, generator, workerSettings, settings, workerClock,
                events("worker-" + workerSettings.workerId()), meters);
        started.push(() -> worker.stop(Duration.ofSeconds(2)));
        return worker.start();
    }

    @Override
    public void close() throws Exception {
        while (!started.isEmpty()) {
            started.pop().close();
        }
    }
}
