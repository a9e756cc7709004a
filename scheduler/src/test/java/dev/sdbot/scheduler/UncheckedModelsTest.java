package dev.sdbot.scheduler;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GeneratedImage;
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
    private static final String NO_CHECKER = "sd15-no-checker";
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

    /** A generator whose model has no checker (as the engine without one): its images come out UNCHECKED. */
    private static ImageGenerator unchecked(String model) {
        TestPatternGenerator pattern = new TestPatternGenerator(Set.of(model), Duration.ZERO);
        return new ImageGenerator() {
            @Override
            public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
                GenerationResult result = pattern.generate(request, listener);
                return new GenerationResult(result.images().stream().map(i -> new GeneratedImage(i.png(), i.seed(),
                        SafetyVerdict.UNCHECKED, new float[0])).toList(), result.gpuMillis());
            }

            @Override
            public Set<String> availableModels() {
                return pattern.availableModels();
            }

            @Override
            public Set<String> loadedModels() {
                return pattern.loadedModels();
            }
        };
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
        WorkerRuntime pattern = system.startWorker("pattern", 1, unchecked(NO_CHECKER));
        system.startWorker("checked", 1, checked("sd15-checked"));

        assertThat(jobs.availableModels()).containsExactly("sd15-checked", NO_CHECKER);
        assertThat(jobs.uncheckedModels()).containsExactly(NO_CHECKER);
        assertThat(warnings()).as("one warning, from the worker with unchecked models").singleElement().satisfies(w ->
                assertThat(w).contains("pattern", "[" + NO_CHECKER + "]", "UNCHECKED",
                        "unless a guild allows unchecked images", "$SDBOT_MODELS/safety-checker", "SDBOT_SAFETY_CHECKER"));

        long id = jobs.submit(new JobSubmission(GenerationRequest.txt2img("a lighthouse", NO_CHECKER, 64, 64, null),
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
        system.startWorker("pattern", 1, checked(NO_CHECKER));
        assertThat(jobs.availableModels()).contains(NO_CHECKER);
        assertThat(jobs.uncheckedModels()).isEmpty();
        assertThat(warnings()).hasSize(1);
    }

    @Test
    void theTestPatternIsNoUncheckedModelItsImagesAreStoredAsTestPatterns() throws Exception {
        JobService jobs = system.jobs();
        system.startNode();
        system.startWorker("pattern", 1, new TestPatternGenerator());
        assertThat(jobs.availableModels()).containsExactly(TestPatternGenerator.MODEL);
        assertThat(jobs.uncheckedModels()).as("no model drew its images: nothing to check").isEmpty();
        assertThat(warnings()).isEmpty();

        long id = jobs.submit(new JobSubmission(JobSystem.request("a lighthouse", 2),
                new JobOrigin(1, 2, 3, 4, "token", Instant.now().plusSeconds(900))));
        await().atMost(Duration.ofSeconds(15)).until(() -> jobs.find(id).orElseThrow().state() == JobState.SUCCEEDED);
        assertThat(jobs.results(id)).singleElement().satisfies(r -> {
            assertThat(r.safety()).isEqualTo(SafetyVerdict.TEST_PATTERN);
            assertThat(r.nsfwScores()).isEmpty();
        });
        assertThat(db.queryLong("SELECT count(*) FROM job_results WHERE job_id = ? AND safety = 'TEST_PATTERN'", id))
                .isEqualTo(1);
    }
}
