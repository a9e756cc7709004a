package dev.sdbot.bot.runtime;

import dev.sdbot.bot.config.SdbotConfig;
import dev.sdbot.db.Database;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.scheduler.JobEvents;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.SchedulerNode;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.worker.WorkerRuntime;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Everything one sdbot process runs, built from the configuration: the database (migrated), the
 * job service and job events, and optionally a scheduler node and a worker. Closing is the graceful stop: the
 * parts stop accepting work first (the bot refuses commands, the scheduler node hands its leadership over, the
 * worker takes no more jobs and finishes or hands back what it runs within the shutdown grace), then everything
 * is closed in reverse order (the bot posts what finished before it disconnects).
 */
public final class SdbotRuntime implements AutoCloseable {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SdbotRuntime.class);
    private final SdbotConfig config;
    private final Clock clock;
    private final Database database;
    private final ImageStore images;
    private final JobService jobs;
    private final JobEvents events;
    private final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Deque<AutoCloseable> parts = new ArrayDeque<>();
    private final List<Runnable> onStopping = new CopyOnWriteArrayList<>();
    // volatile: the HTTP server's threads read them for /ready
    private volatile SchedulerNode scheduler;
    private volatile WorkerRuntime worker;

    private SdbotRuntime(SdbotConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
        parts.push(meters::close);
        this.database = Database.open(config.database().settings());
        parts.push(database);
        try {
            this.images = config.images().open(config.database().dataDir());
            parts.push(images);
            LOG.info("Images in the {}", images.describe());
            this.jobs = new JobService(database.dataSource(), images, config.scheduling(), clock);
            this.events = new JobEvents(database.dataSource(), "runtime").start();
            parts.push(events);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Opens the database (starting the embedded one when there is no DATABASE_URL) and migrates it. */
    public static SdbotRuntime open(SdbotConfig config, Clock clock) {
        return new SdbotRuntime(config, clock);
    }

    public SdbotRuntime startScheduler() {
        scheduler = new SchedulerNode(database.dataSource(), images, config.scheduling(), events, meters).start();
        parts.push(scheduler);
        return this;
    }

    public SdbotRuntime startWorker(ImageGenerator generator) {
        parts.push(generator);
        worker = new WorkerRuntime(database.dataSource(), images, generator, config.worker().settings(), config.scheduling(), clock, events,
                meters).start();
        parts.push(() -> worker.stop(config.worker().shutdownGrace()));
        if (scheduler != null) {
            scheduler.wake();
        }
        return this;
    }

    /** Adds something to close with the runtime (e.g. the Discord connection). */
    public void own(AutoCloseable part) {
        parts.push(part);
    }

    /** Runs first when the runtime closes, before any part is closed (e.g. the bot stops accepting commands). */
    public void onStopping(Runnable action) {
        onStopping.add(action);
    }

    /** This process's metrics, served in Prometheus format at /metrics. */
    public PrometheusMeterRegistry meters() {
        return meters;
    }

    public SdbotConfig config() {
        return config;
    }

    public Clock clock() {
        return clock;
    }

    public Database database() {
        return database;
    }

    public JobService jobs() {
        return jobs;
    }

    public ImageStore images() {
        return images;
    }

    public JobEvents events() {
        return events;
    }

    public Optional<SchedulerNode> scheduler() {
        return Optional.ofNullable(scheduler);
    }

    public Optional<WorkerRuntime> worker() {
        return Optional.ofNullable(worker);
    }

    @Override
    public void close() {
        onStopping.forEach(SdbotRuntime::runQuietly);
        onStopping.clear();
        if (scheduler != null) {
            runQuietly(scheduler::close); // hands leadership over now, not after the worker's grace
        }
        if (worker != null) {
            runQuietly(() -> worker.stop(config.worker().shutdownGrace())); // before the bot closes, so it posts what finished
        }
        RuntimeException failure = null;
        while (!parts.isEmpty()) {
            try {
                parts.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new IllegalStateException("shutdown incomplete: " + e.getMessage(), e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(SdbotRuntime.class).warn("shutdown step failed: {}", e.toString());
        }
    }
}
