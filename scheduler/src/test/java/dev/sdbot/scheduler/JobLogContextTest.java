package dev.sdbot.scheduler;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.FailingGenerator;
import dev.sdbot.scheduler.testing.JobSystem;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Log lines written while a job is handled name its job, guild and worker; the ids don't leak into later work. */
@ExtendWith(EmbeddedPostgresExtension.class)
class JobLogContextTest {
    private final ListAppender<ILoggingEvent> captured = new ListAppender<>();
    private final Logger scheduler = (Logger) LoggerFactory.getLogger("dev.sdbot.scheduler");

    @BeforeEach
    void capture() {
        captured.start();
        scheduler.addAppender(captured);
        scheduler.setLevel(Level.DEBUG);
    }

    @AfterEach
    void release() {
        scheduler.detachAppender(captured);
        scheduler.setLevel(null);
    }

    @Test
    void theWorkersAndTheDispatchersLinesAboutAJobCarryItsIds(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        try (JobSystem system = new JobSystem(db)) {
            system.startNode();
            system.startWorker("gpu-3", 1, new FailingGenerator(r -> r.prompt().startsWith("crash")));
            long crashing = system.jobs().submit(new JobSubmission(JobSystem.request("crash here", 2), JobOrigin.cli(77, 5)));
            await().atMost(Duration.ofSeconds(30)).until(() -> system.jobs().find(crashing).orElseThrow().state() == JobState.FAILED);
            long fine = system.jobs().submit(new JobSubmission(JobSystem.request("fine", 2), JobOrigin.cli(78, 5)));
            await().atMost(Duration.ofSeconds(30)).until(() -> system.jobs().find(fine).orElseThrow().state() == JobState.SUCCEEDED);

            List<ILoggingEvent> crashLines = linesAbout(crashing);
            assertThat(crashLines).as("the worker's failure lines and the dispatcher's assignments")
                    .anyMatch(e -> e.getFormattedMessage().contains("failed on worker gpu-3"))
                    .anyMatch(e -> e.getFormattedMessage().contains("assigned to worker gpu-3"));
            assertThat(crashLines).allSatisfy(e -> assertThat(e.getMDCPropertyMap())
                    .containsEntry(JobLogContext.GUILD, "77").containsEntry(JobLogContext.WORKER, "gpu-3"));
            assertThat(linesAbout(fine)).isNotEmpty().allSatisfy(e -> assertThat(e.getMDCPropertyMap())
                    .containsEntry(JobLogContext.GUILD, "78").containsEntry(JobLogContext.WORKER, "gpu-3"));
            // every line that names a job in its text carries that job's id (none is left without, none has another's)
            for (ILoggingEvent e : List.copyOf(captured.list)) {
                String text = e.getFormattedMessage();
                if (text.matches("(?s).*\\bJob " + crashing + "\\b.*")) {
                    assertThat(e.getMDCPropertyMap()).as(text).containsEntry(JobLogContext.JOB, Long.toString(crashing));
                }
                if (text.matches("(?s).*\\bJob " + fine + "\\b.*")) {
                    assertThat(e.getMDCPropertyMap()).as(text).containsEntry(JobLogContext.JOB, Long.toString(fine));
                }
            }
        }
    }

    private List<ILoggingEvent> linesAbout(long jobId) {
        return List.copyOf(captured.list).stream()
                .filter(e -> Long.toString(jobId).equals(e.getMDCPropertyMap().get(JobLogContext.JOB))).toList();
    }

    @Test
    void aContextIsRestoredOnCloseAndCarriedIntoCallbacksOnOtherThreads() throws Exception {
        MDC.put("request", "outer");
        try (var context = JobLogContext.open(5, 6, null)) {
            assertThat(MDC.get(JobLogContext.JOB)).isEqualTo("5");
            assertThat(MDC.get(JobLogContext.WORKER)).isNull();
            var pool = Executors.newSingleThreadExecutor();
            try {
                pool.submit(() -> MDC.put(JobLogContext.JOB, "stale on the pool thread")).get();
                CompletableFuture<Map<String, String>> seen = new CompletableFuture<>();
                Consumer<String> callback = JobLogContext.carry(v -> seen.complete(MDC.getCopyOfContextMap()));
                pool.submit(() -> callback.accept("done")).get();
                assertThat(seen.get()).containsEntry(JobLogContext.JOB, "5").containsEntry(JobLogContext.GUILD, "6")
                        .containsEntry("request", "outer");
                assertThat(pool.submit(() -> MDC.get(JobLogContext.JOB)).get()).as("the pool thread's own MDC is back")
                        .isEqualTo("stale on the pool thread");
            } finally {
                pool.shutdownNow();
            }
        } finally {
            assertThat(MDC.getCopyOfContextMap()).isEqualTo(Map.of("request", "outer"));
            MDC.clear();
        }
    }
}
