package dev.sdbot.scheduler.metrics;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The scheduler's and worker's meters move as real jobs go through the system (real PostgreSQL, test-pattern worker). */
@ExtendWith(EmbeddedPostgresExtension.class)
class JobMetricsTest {
    private static final Duration STEP = Duration.ofMillis(100);
    private static final int STEPS = 5;
    /** Longer than the queue depth cache, so each reading below is a fresh count. */
    private static final Duration GAUGE_WAIT = Duration.ofSeconds(15);

    @Test
    void queueDepthDispatchLatencyJobDurationGpuSecondsAndBusySlotsFollowTheJobs(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        try (JobSystem system = new JobSystem(db)) {
            MeterRegistry meters = system.meters();
            system.startNode();
            List<Long> ids = system.jobs().submitCopies(new JobSubmission(JobSystem.request("measured", STEPS),
                    JobOrigin.cli(42, 7)), 3);
            // no worker yet: all three wait in the queue
            await().atMost(GAUGE_WAIT).until(() -> depth(meters, "queued") == 3);
            assertThat(depth(meters, "running")).isZero();
            Thread.sleep(300); // a queue wait the latency timer must see

            system.startWorker("gpu-7", 2, new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL), STEP));
            await().atMost(Duration.ofSeconds(20)).until(() -> busySlots(meters, "gpu-7") == 2);
            assertThat(meters.get("sdbot.worker.slots").tag("worker", "gpu-7").gauge().value()).isEqualTo(2);
            await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream()
                    .allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED));
            await().atMost(Duration.ofSeconds(5)).until(() -> busySlots(meters, "gpu-7") == 0);

            Timer latency = meters.get("sdbot.dispatch.latency").timer();
            assertThat(latency.count()).isEqualTo(3);
            assertThat(latency.max(TimeUnit.MILLISECONDS)).as("the longest wait: the whole time without a worker")
                    .isGreaterThanOrEqualTo(300);

            Timer duration = meters.get("sdbot.job.duration")
                    .tags("model", TestPatternGenerator.MODEL, "device", "cpu", "outcome", "succeeded").timer();
            assertThat(duration.count()).isEqualTo(3);
            // the test pattern sleeps STEP per step: each job took at least STEPS × STEP
            long minimumMillis = STEPS * STEP.toMillis();
            assertThat(duration.totalTime(TimeUnit.MILLISECONDS)).isGreaterThanOrEqualTo(3.0 * minimumMillis);
            double gpuSeconds = meters.get("sdbot.gpu.seconds").tags("model", TestPatternGenerator.MODEL, "device", "cpu")
                    .counter().count();
            assertThat(gpuSeconds).isGreaterThanOrEqualTo(3 * minimumMillis / 1000.0)
                    .isLessThanOrEqualTo(duration.totalTime(TimeUnit.SECONDS));

            await().atMost(GAUGE_WAIT).until(() -> depth(meters, "succeeded") == 3);
            assertThat(depth(meters, "queued")).isZero();
            assertThat(depth(meters, "assigned")).isZero();
        }
    }

    @Test
    void queueDepthIsUnknownNotZeroWhileTheDatabaseCannotBeRead(TestDatabase db) {
        var broken = new org.postgresql.ds.PGSimpleDataSource();
        broken.setURL("jdbc:postgresql://127.0.0.1:1/none");
        MeterRegistry meters = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        QueueDepthGauges.register(meters, broken, Duration.ofSeconds(5));
        assertThat(depth(meters, "queued")).isNaN();

        MeterRegistry working = new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
        QueueDepthGauges.register(working, db.dataSource(), Duration.ofSeconds(5));
        assertThat(depth(working, "queued")).isNotNaN();
    }

    private static double depth(MeterRegistry meters, String state) {
        return meters.get("sdbot.queue.depth").tag("state", state).gauge().value();
    }

    private static double busySlots(MeterRegistry meters, String worker) {
        return meters.get("sdbot.worker.slots.busy").tag("worker", worker).gauge().value();
    }
}
