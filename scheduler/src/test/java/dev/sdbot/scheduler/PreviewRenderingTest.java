package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.Progress;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The worker asks for a step preview only when it will write that progress report: a preview costs a latent
 * projection and a PNG encode every step (a device sync on a GPU). Failed before: every step asked for one (50 of
 * 50 rendered here), and all but the throttled few were thrown away.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class PreviewRenderingTest {
    private static final int STEPS = 50;

    @Test
    void previewsAreRenderedOnlyForTheProgressReportsThatAreWritten(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        PreviewCountingGenerator generator = new PreviewCountingGenerator();
        try (JobSystem system = new JobSystem(db)) {
            system.startNode();
            system.startWorker("w1", 1, generator);
            long id = system.jobs().submit(new JobSubmission(JobSystem.request("a fox", 4),
                    new JobOrigin(10, 20, 7, 30, "token", Instant.now().plusSeconds(900))));
            await().atMost(Duration.ofSeconds(15))
                    .until(() -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED);
        }
        // 50 steps reported back to back, well inside one 250 ms progress interval: the first report is written
        // (with its preview), the others are throttled, and the last comes with the result
        assertThat(generator.rendered).hasSizeBetween(1, 2).first().isEqualTo(1);
        assertThat(generator.rendered).doesNotContain(STEPS);
    }

    /** Reports {@value #STEPS} steps at once, rendering a preview only where the listener asks for one. */
    private static final class PreviewCountingGenerator implements ImageGenerator {
        private final TestPatternGenerator images = new TestPatternGenerator();
        final List<Integer> rendered = new CopyOnWriteArrayList<>();

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
            for (int step = 1; step <= STEPS; step++) {
                byte[] preview = null;
                if (listener.wantsPreview(step, STEPS)) {
                    rendered.add(step);
                    preview = new byte[] {1};
                }
                listener.onProgress(new Progress(step, STEPS, Duration.ZERO, preview));
            }
            return images.generate(request, ProgressListener.NONE);
        }

        @Override
        public Set<String> availableModels() {
            return images.availableModels();
        }

        @Override
        public Set<String> loadedModels() {
            return images.loadedModels();
        }
    }
}
