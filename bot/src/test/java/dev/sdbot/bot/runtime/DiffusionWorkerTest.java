package dev.sdbot.bot.runtime;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.bot.config.ConfigLoader;
import dev.sdbot.bot.config.SdbotConfig;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.image.GenerationParameters;
import dev.sdbot.inference.image.PngText;
import dev.sdbot.inference.pipeline.DiffusionGenerator;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** A worker configured with a models directory runs real jobs through the diffusion engine. */
@ExtendWith(EmbeddedPostgresExtension.class)
class DiffusionWorkerTest {
    @TempDir
    Path models;

    private SdbotConfig config(Map<String, String> env) {
        return ConfigLoader.load(env, models.resolve("none.yaml"));
    }

    @Test
    void autoPicksTheTestPatternWithoutModelsAndTheEngineWithOne() throws Exception {
        try (ImageGenerator g = Generators.create(config(Map.of("SDBOT_MODELS", models.toString())))) {
            assertThat(g).isInstanceOf(TestPatternGenerator.class);
        }
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        try (ImageGenerator g = Generators.create(config(Map.of("SDBOT_MODELS", models.toString())))) {
            assertThat(g).isInstanceOf(DiffusionGenerator.class);
            assertThat(g.availableModels()).containsExactly("mini-sd15");
        }
        assertThatThrownBy(() -> Generators.create(config(Map.of("SDBOT_MODELS", models.toString(),
                "SDBOT_GENERATOR", "diffusion", "SDBOT_WORKER_DEVICES", "cuda:0"))))
                .hasMessageContaining("SDBOT_WORKER_DEVICES (workerDevices): device cuda:0 asks for CUDA but this machine "
                        + "has no NVIDIA driver");
    }

    @Test
    void aJobRunsEndToEndThroughTheEngine(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        ImageGenerator generator = Generators.create(config(Map.of("SDBOT_MODELS", models.toString(),
                "SDBOT_GENERATOR", "diffusion", "SDBOT_MODEL_CACHE_GB", "0.5")));
        try (JobSystem system = new JobSystem(db)) {
            system.startNode();
            system.startWorker("engine", 1, generator);
            GenerationRequest request = new GenerationRequest("a lighthouse at dusk", "fog", "mini-sd15", Sampler.DDIM, 3,
                    5.0, 64, 64, 1234L, 2, null, 0.75, null, 1);
            JobService jobs = system.jobs();
            long id = jobs.submit(new JobSubmission(request,
                    new JobOrigin(1, 2, 3, 4, "token", Instant.now().plusSeconds(900))));

            await().atMost(Duration.ofSeconds(90)).until(() -> jobs.find(id).orElseThrow().state() == JobState.SUCCEEDED);
            List<JobResult> results = jobs.results(id);
            assertThat(results).hasSize(2);
            for (int i = 0; i < 2; i++) {
                JobResult r = results.get(i);
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.png()));
                assertThat(image.getWidth()).isEqualTo(64);
                assertThat(r.seed()).isEqualTo(1234L + i);
                GenerationParameters p = GenerationParameters.parse(PngText.read(r.png()).get(GenerationParameters.PNG_KEY));
                assertThat(p.toInfotext()).contains("a lighthouse at dusk").contains("Negative prompt: fog")
                        .contains("Seed: " + (1234 + i)).contains("Sampler: DDIM").contains("Steps: 3");
            }
        } finally {
            generator.close();
        }
    }
}
