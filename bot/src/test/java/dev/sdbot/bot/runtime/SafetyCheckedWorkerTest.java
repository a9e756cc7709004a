package dev.sdbot.bot.runtime;

import ai.djl.ndarray.NDManager;
import dev.sdbot.bot.config.ConfigLoader;
import dev.sdbot.bot.config.SdbotConfig;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.ImageCodec;
import dev.sdbot.inference.safety.SafetyChecker;
import dev.sdbot.inference.safety.SafetyCheckerFolder;
import dev.sdbot.inference.safety.SafetyResult;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.testing.JobSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * A worker on the engine, configured as an operator would (SDBOT_MODELS, SDBOT_SAFETY_CHECKER): an SD 2.x model
 * without a checker is announced as unchecked and its images are stored UNCHECKED; with a shared checker its
 * images are stored with the checker's verdict and scores.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class SafetyCheckedWorkerTest {
    private static final Path SD15 = Fixtures.LDM.resolve("mini-sd15");
    @TempDir
    Path dir;
    private Path models;
    private TestDatabase db;

    @BeforeEach
    void setUp(TestDatabase db) throws IOException {
        this.db = db;
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        models = Files.createDirectories(dir.resolve("models"));
        Files.createSymbolicLink(models.resolve("mini-sd21v"), Fixtures.LDM.resolve("mini-sd21v").toAbsolutePath());
    }

    /** mini-sd15's checker laid out as the CompVis checker is published: config, weights, preprocessor config. */
    private static void installChecker(Path target) throws IOException {
        Files.createDirectories(target);
        Files.createSymbolicLink(target.resolve("config.json"), SD15.resolve("safety_checker/config.json").toAbsolutePath());
        Files.createSymbolicLink(target.resolve("model.safetensors"),
                SD15.resolve("safety_checker/model.safetensors").toAbsolutePath());
        Files.createSymbolicLink(target.resolve("preprocessor_config.json"),
                SD15.resolve("feature_extractor/preprocessor_config.json").toAbsolutePath());
    }

    private SdbotConfig config(Map<String, String> extra) {
        Map<String, String> env = new java.util.HashMap<>(Map.of("SDBOT_MODELS", models.toString(),
                "SDBOT_GENERATOR", "diffusion", "SDBOT_MODEL_CACHE_GB", "0.5"));
        env.putAll(extra);
        return ConfigLoader.load(env, dir.resolve("none.yaml"));
    }

    /** Runs one 2-image job on mini-sd21v through a worker with the configured generator; returns its stored results. */
    private List<JobResult> runJob(SdbotConfig config, java.util.function.Consumer<JobService> whileRunning) throws Exception {
        ImageGenerator generator = Generators.create(config);
        // a long lease: the first job loads libtorch and the model on a busy machine
        try (JobSystem system = new JobSystem(db, JobSystem.FAST.withLease(Duration.ofSeconds(30)), java.time.Clock.systemUTC())) {
            system.startNode();
            system.startWorker("engine", 1, generator);
            JobService jobs = system.jobs();
            whileRunning.accept(jobs);
            GenerationRequest request = new GenerationRequest("a lighthouse at dusk", "", "mini-sd21v", Sampler.DDIM, 2,
                    5.0, 64, 64, 99L, 2, null, 0.75, null, 1);
            long id = jobs.submit(new JobSubmission(request, new JobOrigin(1, 2, 3, 4, "token", Instant.now().plusSeconds(900))));
            await().atMost(Duration.ofSeconds(90)).until(() -> jobs.find(id).orElseThrow().state() == JobState.SUCCEEDED);
            return jobs.results(id);
        } finally {
            generator.close();
        }
    }

    @Test
    void withoutACheckerTheModelIsAnnouncedUncheckedAndItsImagesAreStoredUnchecked() throws Exception {
        List<JobResult> results = runJob(config(Map.of()),
                jobs -> assertThat(jobs.uncheckedModels()).containsExactly("mini-sd21v"));
        assertThat(results).hasSize(2).allSatisfy(r -> {
            assertThat(r.safety()).isEqualTo(SafetyVerdict.UNCHECKED);
            assertThat(r.nsfwScores()).isEmpty();
        });
    }

    @Test
    void aSharedCheckerInTheModelsDirectoryOrConfiguredChecksTheModelsImages() throws Exception {
        installChecker(models.resolve("safety-checker"));
        assertStoredChecked(runJob(config(Map.of()), jobs -> assertThat(jobs.uncheckedModels()).isEmpty()));

        Files.walk(models.resolve("safety-checker")).sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        installChecker(dir.resolve("elsewhere"));
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        assertStoredChecked(runJob(config(Map.of("SDBOT_SAFETY_CHECKER", dir.resolve("elsewhere").toString())),
                jobs -> assertThat(jobs.uncheckedModels()).isEmpty()));
    }

    /** Stored verdict and scores are the checker's on the stored pixels, exactly (PNG is lossless). */
    private static void assertStoredChecked(List<JobResult> results) throws Exception {
        try (NDManager m = NDManager.newBaseManager()) {
            SafetyChecker checker = SafetyCheckerFolder.open(SD15).load(m);
            assertThat(results).hasSize(2);
            for (JobResult r : results) {
                SafetyResult expected = checker.check(List.of(ImageCodec.decode(r.png()))).get(0);
                assertThat(r.nsfwScores()).hasSize(17).isEqualTo(expected.conceptScores());
                assertThat(r.safety()).isEqualTo(expected.nsfw() ? SafetyVerdict.FLAGGED : SafetyVerdict.CLEAN)
                        .isEqualTo(SafetyVerdict.decide(r.nsfwScores(), 0));
            }
        }
    }

    @Test
    void anUnusableSharedCheckerStopsTheWorkerFromStarting() throws Exception {
        assertThatThrownBy(() -> Generators.create(config(Map.of("SDBOT_SAFETY_CHECKER", dir.resolve("missing").toString()))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SDBOT_SAFETY_CHECKER (safetyChecker) cannot be used")
                .hasMessageContaining(dir.resolve("missing") + ": no such directory");
        // even for the test pattern: a configured checker that cannot run is never silently skipped
        assertThatThrownBy(() -> Generators.create(config(Map.of("SDBOT_GENERATOR", "test-pattern",
                "SDBOT_SAFETY_CHECKER", dir.resolve("missing").toString())))).hasMessageContaining("no such directory");
        Files.createDirectories(models.resolve("safety-checker"));
        assertThatThrownBy(() -> Generators.create(config(Map.of())))
                .hasMessageContaining("the shared safety checker in SDBOT_MODELS cannot be used")
                .hasMessageContaining("no config.json");
    }
}
