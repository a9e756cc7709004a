package dev.sdbot.scheduler;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.scheduler.worker.WorkerRuntime;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Workers announce the models they run without a safety checker; the job service reports those of live workers. */
@ExtendWith(EmbeddedPostgresExtension.class)
class UncheckedModelsTest {
    private TestDatabase db;
    private JobSystem system;
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger workerLog = (Logger) LoggerFactory.getLogger(WorkerRuntime.class);

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        system = new JobSystem(db);
        logs.start();
        workerLog.addAppender(logs);
    }

    @AfterEach
    void tearDown() throws Exception {
        workerLog.detachAppender(logs);
        system.close();
    }

    /** A generator whose every model has a checker (as the engine with a shared checker installed). */
    private static ImageGenerator checked(String model) {
        TestPatternGenerator pattern = new TestPatternGenerator(Set.of(model), Duration.ZERO);
        return new ImageGenerator() {
            @Override
            public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
                return pattern.generate(request, listener);
            }

            @Override
            public Set<String> availableModels() {
                return pattern.availableModels();
            }

            @Override
            public Set<String> loadedModels() {
                return pattern.loadedModels();
            }

            @Override
            public Set<String> uncheckedModels() {
                return Set.of();
            }
        };
    }

    private List<String> warnings() {
        return logs.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void aWorkersUncheckedModelsAreReportedWhileItLivesAndItsImagesAreStoredUnchecked() throws Exception {
        JobService jobs = system.jobs();
        assertThat(jobs.uncheckedModels()).isEmpty();
        system.startNode();
        WorkerRuntime pattern = system.startWorker("pattern", 1, new TestPatternGenerator());
        system.startWorker("checked", 1, checked("sd15-checked"));

        assertThat(new TestPatternGenerator().uncheckedModels()).containsExactly(TestPatternGenerator.MODEL);
        assertThat(jobs.availableModels()).containsExactly("sd15-checked", TestPatternGenerator.MODEL);
        assertThat(jobs.uncheckedModels()).containsExactly(TestPatternGenerator.MODEL);
        assertThat(warnings()).as("one warning, from the worker with unchecked models").singleElement().satisfies(w ->
                assertThat(w).contains("pattern", "[" + TestPatternGenerator.MODEL + "]", "UNCHECKED",
                        "unless a guild allows unchecked images", "$SDBOT_MODELS/safety-checker", "SDBOT_SAFETY_CHECKER"));

        long id = jobs.submit(new JobSubmission(JobSystem.request("a lighthouse", 2),
                new JobOrigin(1, 2, 3, 4, "token", Instant.now().plusSeconds(900))));
        await().atMost(Duration.ofSeconds(15)).until(() -> jobs.find(id).orElseThrow().state() == JobState.SUCCEEDED);
        assertThat(jobs.results(id)).singleElement().satisfies(r -> {
            assertThat(r.safety()).isEqualTo(SafetyVerdict.UNCHECKED);
            assertThat(r.nsfwScores()).isEmpty();
        });
        assertThat(db.queryLong("SELECT count(*) FROM job_results WHERE job_id = ? AND safety = 'UNCHECKED'", id)).isEqualTo(1);

        pattern.stop(Duration.ofSeconds(2));
        assertThat(jobs.uncheckedModels()).as("a stopped worker's models are not offered").isEmpty();

        // the same worker id back with a checker for its model: registering replaces the old list
        system.startWorker("pattern", 1, checked(TestPatternGenerator.MODEL));
        assertThat(jobs.availableModels()).contains(TestPatternGenerator.MODEL);
        assertThat(jobs.uncheckedModels()).isEmpty();
        assertThat(warnings()).hasSize(1);
    }
}
