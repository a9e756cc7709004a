package dev.sdbot.bot.http;

import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.sdbot.bot.http.HttpTestSupport.config;
import static dev.sdbot.bot.http.HttpTestSupport.freePort;
import static dev.sdbot.bot.http.HttpTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A process running scheduler and worker serves the job system's meters at /metrics, and they follow the jobs. */
@ExtendWith(EmbeddedPostgresExtension.class)
class JobMetricsHttpTest {
    @TempDir
    Path dir;

    @Test
    void metricsShowQueueDepthDispatchLatencyJobDurationGpuSecondsAndSlots(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers CASCADE");
        int port = freePort();
        String metrics = "http://127.0.0.1:" + port + "/metrics";
        try (SdbotRuntime runtime = SdbotRuntime.open(config(db, port, dir, Map.of("SDBOT_WORKER_ID", "metered")),
                Clock.systemUTC())) {
            ProcessHttp.start(runtime, Set.of(ProcessHttp.Role.SCHEDULER, ProcessHttp.Role.WORKER), false,
                    new PrintWriter(new StringWriter())).orElseThrow();
            runtime.startScheduler();
            runtime.startWorker(new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL), Duration.ofMillis(20)));
            List<Long> ids = runtime.jobs().submitCopies(new JobSubmission(JobSystem.request("scraped", 3), JobOrigin.cli(0, 1)), 2);
            await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream()
                    .allMatch(id -> runtime.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED));

            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(get(metrics).body())
                    .contains("sdbot_queue_depth{state=\"succeeded\"} 2.0", "sdbot_queue_depth{state=\"queued\"} 0.0"));
            assertThat(get(metrics).body()).contains(
                    "sdbot_dispatch_latency_seconds_count 2",
                    "sdbot_job_duration_seconds_count{device=\"cpu\",model=\"test-pattern\",outcome=\"succeeded\"} 2",
                    "sdbot_gpu_seconds_total{device=\"cpu\",model=\"test-pattern\"}",
                    "sdbot_worker_slots{worker=\"metered\"} 1.0",
                    "sdbot_worker_slots_busy{worker=\"metered\"} 0.0");
        }
    }
}
