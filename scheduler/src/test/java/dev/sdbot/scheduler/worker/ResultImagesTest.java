package dev.sdbot.scheduler.worker;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.dispatch.Dispatcher;
import dev.sdbot.scheduler.images.ImageKeys;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.store.AttemptStore;
import dev.sdbot.scheduler.store.ClaimedJob;
import dev.sdbot.scheduler.store.WorkerStore;
import dev.sdbot.scheduler.testing.JobSystem;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Result images go to the image store before the job row is finished, under keys of job, attempt and index: a retried
 * write of the same attempt (its commit unacknowledged) neither writes twice nor deletes the job's images, and a write
 * that lost the job removes its own objects.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class ResultImagesTest {
    private static final String WORKER = "images-worker";

    @Test
    void aRetriedWriteKeepsTheImagesAndAFencedOneRemovesItsOwn(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        ImageStore images = JobSystem.imagesOf(db);
        JobService jobs = new JobService(db.dataSource(), images, JobSystem.FAST, Clock.systemUTC());
        AttemptStore attempts = new AttemptStore(db.dataSource());
        new WorkerStore(db.dataSource()).register(WORKER, "host", "cpu", Set.of(TestPatternGenerator.MODEL),
                Set.of(TestPatternGenerator.MODEL), Set.of(TestPatternGenerator.MODEL), 4, 1L << 22);
        long kept = jobs.submit(new JobSubmission(JobSystem.request("kept", 1), JobOrigin.cli(0, 1)));
        long lost = jobs.submit(new JobSubmission(JobSystem.request("lost", 1), JobOrigin.cli(0, 2)));
        new Dispatcher(db.dataSource(), JobSystem.FAST, new SimpleMeterRegistry()).dispatchOnce();
        List<ClaimedJob> claimed = attempts.claim(WORKER, 4, JobSystem.FAST.lease());
        ClaimedJob keptJob = claimed.stream().filter(j -> j.id() == kept).findFirst().orElseThrow();
        ClaimedJob lostJob = claimed.stream().filter(j -> j.id() == lost).findFirst().orElseThrow();

        try (ResultWriter writer = new ResultWriter(attempts, images, WORKER, new DatabaseRetry(Duration.ofSeconds(5))).start()) {
            assertThat(writer.store(keptJob, result(7))).isTrue();
            String key = ImageKeys.result(kept, keptJob.attempt(), 0);
            assertThat(images.get(key)).containsExactly(7);
            assertThat(db.queryLong("SELECT count(*) FROM job_results WHERE job_id = ? AND image_key = ? AND png IS NULL", kept, key))
                    .as("the row keeps the key, not the bytes").isEqualTo(1);

            // the same attempt written again, as after a commit whose answer was lost: fenced, but the images stay
            assertThat(writer.store(keptJob, result(7))).isFalse();
            assertThat(jobs.results(kept)).singleElement().satisfies(r -> assertThat(r.png()).containsExactly(7));

            // a worker that lost its job writes nothing that stays
            assertThat(jobs.cancel(lost, 2, false)).isNotNull();
            assertThat(writer.store(lostJob, result(9))).isFalse();
            assertThat(images.get(ImageKeys.result(lost, lostJob.attempt(), 0))).isNull();
            assertThat(jobs.find(lost).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        }
    }

    private static GenerationResult result(int marker) {
        return new GenerationResult(List.of(new GeneratedImage(new byte[] {(byte) marker}, 1, SafetyVerdict.CLEAN, new float[0])), 5);
    }
}
