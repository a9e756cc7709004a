package dev.sdbot.scheduler.worker;

import dev.sdbot.inference.api.GenerationCancelledException;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.InvalidRequestException;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.api.SafetyCheckerLocation;
import dev.sdbot.scheduler.JobEvent;
import dev.sdbot.scheduler.JobEventListener;
import dev.sdbot.scheduler.JobLogContext;
import dev.sdbot.scheduler.JobEvents;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.SchedulerSettings;
import dev.sdbot.scheduler.metrics.WorkerMeters;
import dev.sdbot.scheduler.metrics.WorkerMeters.Outcome;
import dev.sdbot.scheduler.store.AttemptStore;
import dev.sdbot.scheduler.store.ClaimedJob;
import dev.sdbot.scheduler.store.StoredInputs;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.images.ImageStoreException;
import dev.sdbot.scheduler.store.DataAccessException;
import dev.sdbot.scheduler.store.WorkerStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A worker: registers (taking back what an earlier process of its id left running), heartbeats
 * (renewing the leases of the jobs it has in hand, by id and attempt, and no others), takes the jobs the dispatcher assigned to
 * it (woken by NOTIFY, polling as a fallback), runs them on the generator and stores the results.
 * Every write is fenced by the job's attempt; a worker that lost a job cannot overwrite it.
 */
public final class WorkerRuntime implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerRuntime.class);

    private final ImageGenerator generator;
    private final WorkerSettings settings;
    private final SchedulerSettings scheduling;
    private final Clock clock;
    private final JobEvents events;
    private final DataSource dataSource;
    private final WorkerStore workers;
    private final AttemptStore attempts;
    private final DatabaseRetry retry;
    private final StoredInputs inputs;
    private final ResultWriter results;
    private final WorkerMeters meters;
    private final Map<Long, JobExecution> running = new ConcurrentHashMap<>();
    private final Semaphore wakeups = new Semaphore(0);
    private final ExecutorService executor;
    private final ScheduledExecutorService heartbeats;
    private final Thread pickup;
    private final JobEventListener listener = new Listener();
    private volatile boolean active = true;
    private volatile WorkerIdLock idLock;
    private volatile String quarantine;
    /** True when jobs assigned to this worker may be waiting for a slot to free up here. */
    private volatile boolean assignedMayWait = true;

    /** A worker whose meters nobody reads (benchmarks, tests that don't look at them). */
    public WorkerRuntime(DataSource dataSource, ImageStore images, ImageGenerator generator, WorkerSettings settings,
                         SchedulerSettings scheduling, Clock clock, JobEvents events) {
        this(dataSource, images, generator, settings, scheduling, clock, events, new SimpleMeterRegistry());
    }

    /**
     * @param images where result images are written and input images read
     * @param meters gets the worker's {@link WorkerMeters}
     */
    public WorkerRuntime(DataSource dataSource, ImageStore images, ImageGenerator generator, WorkerSettings settings,
                         SchedulerSettings scheduling, Clock clock, JobEvents events, MeterRegistry meters) {
        this.generator = generator;
        this.settings = settings;
        this.scheduling = scheduling;
        this.clock = clock;
        this.events = events;
        this.dataSource = dataSource;
        this.workers = new WorkerStore(dataSource);
        this.attempts = new AttemptStore(dataSource);
        this.retry = new DatabaseRetry(scheduling.lease());
        this.inputs = new StoredInputs(images);
        this.results = new ResultWriter(attempts, images, settings.workerId(), retry);
        this.executor = Executors.newFixedThreadPool(settings.slots(), daemon("sdbot-job-" + settings.workerId()));
        this.heartbeats = Executors.newSingleThreadScheduledExecutor(daemon("sdbot-heartbeat-" + settings.workerId()));
        this.pickup = new Thread(this::pickupLoop, "sdbot-pickup-" + settings.workerId());
        this.pickup.setDaemon(true);
        this.meters = new WorkerMeters(meters, settings.workerId(), settings.devices(), settings.slots(), running::size);
    }

    /** The generator's model presets to publish; a model whose sidecar is invalid is logged here, at start. */
    private Map<String, String> presetLines() {
        Map<String, String> lines = new TreeMap<>();
        generator.modelPresets().forEach((model, preset) -> {
            if (preset.problem() != null) {
                log.error("Worker {}: model {} is refused until its defaults are fixed: {}", settings.workerId(), model,
                        preset.problem());
            }
            lines.put(model, preset.encode());
        });
        return lines;
    }

    public WorkerRuntime start() {
        // before taking anything back under this id: no other live process may be running under it
        idLock = retry.run("claim worker id", () -> WorkerIdLock.claim(dataSource, settings.workerId(),
                scheduling.workerTimeout()));
        Set<String> unchecked = new TreeSet<>(generator.uncheckedModels());
        var takenBack = retry.run("register", () -> workers.register(settings.workerId(), hostName(), settings.devices(),
                generator.availableModels(), generator.loadedModels(), unchecked, settings.slots(), settings.pixelBudget()));
        for (var job : takenBack) {
            try (var context = JobLogContext.open(job.id(), job.guildId(), settings.workerId())) {
                log.warn("Job {} was running on an earlier process of worker {}; now {}", job.id(), settings.workerId(), job.state());
            }
        }
        retry.run("record model families", () -> {
            workers.recordModelFamilies(settings.workerId(), familyIds(generator.modelFamilies()));
            workers.recordInpaintingModels(settings.workerId(), generator.inpaintingModels());
            workers.recordNativeSides(settings.workerId(), generator.nativeSides());
            workers.publishLoras(settings.workerId(), generator.availableLoras(), familyIds(generator.loraFamilies()));
            workers.publishUpscalers(settings.workerId(), generator.upscalers());
            workers.publishModelPresets(settings.workerId(), presetLines());
            workers.publishEmbeddings(settings.workerId(), generator.availableEmbeddings(),
                    familyIds(generator.embeddingFamilies()));
            workers.publishControlNets(settings.workerId(), generator.availableControlNets(),
                    familyIds(generator.controlNetFamilies()));
            return null;
        });
        if (!unchecked.isEmpty()) {
            log.warn("Worker {}: models without a safety checker: {}. Images of these models are UNCHECKED and are handled"
                    + " like flagged ones unless a guild allows unchecked images; {}", settings.workerId(), unchecked,
                    SafetyCheckerLocation.HOW_TO_INSTALL);
        }
        events.addListener(listener);
        long every = settings.heartbeat().toMillis();
        heartbeats.scheduleAtFixedRate(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
        results.start();
        pickup.start();
        log.info("Worker {} ready: {} slot(s), models {}", settings.workerId(), settings.slots(), generator.availableModels());
        return this;
    }

    private static Map<String, String> familyIds(Map<String, ModelFamily> families) {
        Map<String, String> ids = new TreeMap<>();
        families.forEach((model, family) -> ids.put(model, family.id()));
        return ids;
    }

    public String id() {
        return settings.workerId();
    }

    /** Jobs running now. */
    public int runningJobs() {
        return running.size();
    }

    private void heartbeat() {
        try {
            List<WorkerStore.Held> held = running.values().stream()
                    .map(e -> new WorkerStore.Held(e.job().id(), e.job().attempt())).toList();
            String reason = workers.heartbeat(settings.workerId(), generator.loadedModels(), held, scheduling.lease());
            if (reason != null && quarantine == null) {
                log.error("Worker {} is quarantined ({}); it takes no more jobs until an operator releases it",
                        settings.workerId(), reason);
            }
            quarantine = reason;
        } catch (DataAccessException e) {
            log.warn("Heartbeat of worker {} failed: {}", settings.workerId(), e.getMessage());
        }
    }

    private void pickupLoop() {
        while (active) {
            try {
                wakeups.tryAcquire(settings.poll().toMillis(), TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
                assignedMayWait = true; // before counting the free slots, so a job ending meanwhile wakes us again
                int free = settings.slots() - running.size();
                if (!active || free <= 0 || quarantine != null) {
                    continue;
                }
                List<ClaimedJob> claimed = attempts.claim(settings.workerId(), free, scheduling.lease());
                assignedMayWait = claimed.size() == free;
                for (ClaimedJob job : claimed) {
                    JobExecution execution = new JobExecution(job, attempts, clock);
                    running.put(job.id(), execution);
                    executor.execute(() -> run(execution));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Worker {} could not take jobs: {}", settings.workerId(), e.getMessage());
                DatabaseRetry.sleep(500);
            }
        }
    }

    private void run(JobExecution execution) {
        ClaimedJob job = execution.job();
        long started = System.nanoTime();
        long generated = started;
        Outcome outcome = Outcome.FAILED;
        try (var context = JobLogContext.open(job.id(), job.guildId(), settings.workerId())) {
            log.debug("Job {} attempt {} started", job.id(), job.attempt());
            try {
                GenerationResult result = generator.generate(inputs.load(job.request(), job.inputs()), execution);
                generated = System.nanoTime();
                boolean stored = results.store(job, result);
                outcome = stored ? Outcome.SUCCEEDED : Outcome.SUPERSEDED;
                if (stored) {
                    log.info("Job {} attempt {} succeeded in {} ms", job.id(), job.attempt(), elapsedMillis(started));
                } else {
                    log.warn("Result of job {} attempt {} rejected: the job is no longer this worker's", job.id(), job.attempt());
                }
            } catch (GenerationCancelledException e) {
                generated = System.nanoTime();
                if (execution.released()) {
                    outcome = Outcome.RELEASED;
                    boolean queued = retry.run("release job " + job.id(),
                            () -> attempts.releaseRunning(job, settings.workerId()));
                    log.info("Job {} attempt {} {}", job.id(), job.attempt(), queued
                            ? "handed back to the queue: the worker is stopping" : "was no longer ours when the worker stopped");
                    return;
                }
                outcome = Outcome.CANCELLED;
                long gpuMillis = elapsedMillis(started);
                retry.run("record cancellation of job " + job.id(),
                        () -> attempts.recordCancelled(job, settings.workerId(), gpuMillis));
                log.info("Job {} stopped: {}", job.id(), e.getMessage());
            } catch (InvalidRequestException e) {
                generated = System.nanoTime();
                fail(job, e.getMessage(), true, false, started);
            } catch (Exception | Error e) { // a generator crash must not kill the worker, nor loop forever
                generated = generated == started ? System.nanoTime() : generated; // the generator's crash, or the store's after it
                log.warn("Job {} attempt {} failed on worker {}", job.id(), job.attempt(), settings.workerId(), e);
                // an unreachable database or image store says nothing about this worker's generator
                fail(job, e.toString(), false, !(e instanceof DataAccessException || e instanceof ImageStoreException), started);
            } finally {
                running.remove(job.id());
                meters.jobEnded(job.request().model(), outcome, Duration.ofNanos(System.nanoTime() - started),
                        Duration.ofNanos(generated - started));
                if (assignedMayWait) { // otherwise the next assignment's NOTIFY wakes the pickup
                    wakeups.release();
                }
            }
        }
    }

    private void fail(ClaimedJob job, String error, boolean permanent, boolean countAgainstWorker, long started) {
        long gpuMillis = elapsedMillis(started);
        JobState state = retry.run("record failure of job " + job.id(), () -> attempts.fail(job,
                settings.workerId(), error, permanent, countAgainstWorker, gpuMillis, scheduling.quarantineAfter()));
        log.info("Job {} attempt {} failed ({}); now {}", job.id(), job.attempt(), error, state == null ? "not ours any more" : state);
    }

    private static long elapsedMillis(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
    }

    private final class Listener implements JobEventListener {
        @Override
        public void onStateChange(JobEvent event) {
            if (event.state() == JobState.ASSIGNED && settings.workerId().equals(event.workerId())) {
                wakeups.release();
            } else if (event.state() == JobState.CANCELLED) {
                JobExecution execution = running.get(event.jobId());
                if (execution != null) {
                    execution.cancel();
                }
            }
        }

        @Override
        public void onConnected() {
            wakeups.release();
        }
    }

    /**
     * Stops taking jobs at once (marked stopped, so no dispatcher assigns it more; unstarted ones handed back), lets
     * running ones finish for up to {@code grace}, then stops the rest and hands them back to the queue without using
     * up an attempt. Heartbeats go on meanwhile, so the leases of the jobs still running stay valid.
     */
    public void stop(Duration grace) {
        if (!active) {
            return;
        }
        active = false;
        if (idLock == null) { // never started: the id, and whatever runs under it, belong to another process
            executor.shutdownNow();
            heartbeats.shutdownNow();
            return;
        }
        events.removeListener(listener);
        pickup.interrupt();
        try {
            pickup.join(2_000); // a claim in progress ends before the executor stops taking its jobs
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        signOff();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                log.info("Worker {}: {} job(s) still running after the {} s grace; handing them back to the queue",
                        settings.workerId(), running.size(), grace.toSeconds());
                running.values().forEach(JobExecution::release);
                executor.awaitTermination(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        results.close();
        heartbeats.shutdownNow();
        signOff(); // again: a dispatch pass that read this worker as live just before may have assigned one more
        idLock.close();
        log.info("Worker {} stopped", settings.workerId());
    }

    private void signOff() {
        try {
            workers.markStopped(settings.workerId());
            attempts.releaseAssigned(settings.workerId());
        } catch (DataAccessException e) {
            log.warn("Worker {} could not sign off cleanly ({}); its leases will expire", settings.workerId(), e.getMessage());
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(30));
    }

    private static String hostName() {
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
