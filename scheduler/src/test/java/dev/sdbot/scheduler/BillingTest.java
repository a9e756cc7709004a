package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The member is billed for the device time of the attempt that produced their image, and only for that. */
@ExtendWith(EmbeddedPostgresExtension.class)
class BillingTest {
    private static final long CRASH_AFTER_MS = 300;

    /** Works for a while, then crashes, on the first attempt of each request; the second attempt succeeds. */
    private static final class CrashesOnce implements ImageGenerator {
        final ImageGenerator delegate = new TestPatternGenerator();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws GenerationException {
            if (calls.getAndIncrement() == 0) {
                try {
                    Thread.sleep(CRASH_AFTER_MS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("device lost");
            }
            return delegate.generate(request, listener);
        }

        @Override
        public Set<String> availableModels() {
            return delegate.availableModels();
        }

        @Override
        public Set<String> loadedModels() {
            return delegate.loadedModels();
        }
    }

    @Test
    void aFailedAttemptIsRecordedButOnlyTheAttemptThatMadeTheImageIsBilled(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        try (JobSystem system = new JobSystem(db)) {
            system.startNode();
            system.startWorker("w", 1, new CrashesOnce());
            long id = system.jobs().submit(new JobSubmission(JobSystem.request("billed once", 2), JobOrigin.cli(5, 7)));
            await().atMost(Duration.ofSeconds(20)).until(() -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED);
            assertThat(system.jobs().find(id).orElseThrow().attempt()).isEqualTo(2);

            assertThat(db.queryLong("SELECT gpu_ms FROM usage_ledger WHERE job_id = ? AND outcome = 'RETRY' AND NOT billed", id))
                    .as("the failed attempt's device time is on record").isGreaterThanOrEqualTo(CRASH_AFTER_MS);
            long billed = db.queryLong("SELECT gpu_ms FROM usage_ledger WHERE job_id = ? AND outcome = 'SUCCEEDED' AND billed", id);
            assertThat(db.queryLong("SELECT gpu_ms FROM usage_counters WHERE guild_id = 5 AND user_id = 7"))
                    .as("the member pays for the attempt that produced the image only").isEqualTo(billed);
        }
    }
}
