package dev.sdbot.scheduler.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

import java.time.Duration;
import java.util.Locale;
import java.util.function.IntSupplier;

/**
 * A worker's meters: {@code sdbot_worker_slots{worker}} and {@code sdbot_worker_slots_busy{worker}}, and per job
 * {@code sdbot_job_duration_seconds{model,device,outcome}} (taken to stored) and {@code sdbot_gpu_seconds_total{model,device}}
 * (time on the generator, every attempt, whatever its outcome). Tags stay few: models are the installed ones, the device
 * is the worker's configuration ("cpu", "cuda:0").
 */
public final class WorkerMeters {
    /** Histogram buckets (a few, fixed: one series each per tag combination). */
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(5),
            Duration.ofSeconds(10), Duration.ofSeconds(20), Duration.ofSeconds(30), Duration.ofSeconds(60),
            Duration.ofSeconds(120), Duration.ofSeconds(300), Duration.ofSeconds(600), Duration.ofSeconds(1800)};
    /** How a job's attempt on this worker ended (RELEASED: handed back to the queue because the worker stopped). */
    public enum Outcome { SUCCEEDED, FAILED, CANCELLED, SUPERSEDED, RELEASED }

    private final MeterRegistry registry;
    private final String device;

    public WorkerMeters(MeterRegistry registry, String workerId, String device, int slots, IntSupplier busySlots) {
        this.registry = registry;
        this.device = device;
        Gauge.builder("sdbot.worker.slots", () -> slots).description("Jobs this worker runs at the same time")
                .tag("worker", workerId).strongReference(true).register(registry);
        Gauge.builder("sdbot.worker.slots.busy", busySlots::getAsInt).description("Slots of this worker running a job now")
                .tag("worker", workerId).strongReference(true).register(registry);
    }

    /**
     * @param took       from taking the job to its outcome being written
     * @param onGenerator the part of it spent in the generator (device time)
     */
    public void jobEnded(String model, Outcome outcome, Duration took, Duration onGenerator) {
        Timer.builder("sdbot.job.duration").description("Time a worker spent on a job attempt, from taking it to storing its outcome")
                .tags("model", model, "device", device, "outcome", outcome.name().toLowerCase(Locale.ROOT))
                .serviceLevelObjectives(BUCKETS)
                .register(registry)
                .record(took);
        Counter.builder("sdbot.gpu.seconds").description("Seconds of generator (device) time spent on jobs")
                .tags("model", model, "device", device)
                .register(registry)
                .increment(onGenerator.toNanos() / 1e9);
    }
}
