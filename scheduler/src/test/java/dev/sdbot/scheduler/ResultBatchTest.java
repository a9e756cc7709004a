package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GeneratedImage;
import dev.sdbot.inference.api.SafetyVerdict;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.scheduler.dispatch.Dispatcher;
import dev.sdbot.scheduler.store.AttemptStore;
import dev.sdbot.scheduler.store.AttemptStore.Finished;
import dev.sdbot.scheduler.store.ClaimedJob;
import dev.sdbot.scheduler.store.WorkerStore;
import dev.sdbot.scheduler.images.ImageKeys;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** Results of several jobs stored in one write: each job fenced on its own, usage summed per member. */
@ExtendWith(EmbeddedPostgresExtension.class)
class ResultBatchTest {
    private static final String WORKER = "batch-worker";

    private TestDatabase db;
    private JobService jobs;
    private AttemptStore attempts;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        jobs = new JobService(db.dataSource(), JobSystem.imagesOf(db), JobSystem.FAST, Clock.systemUTC());
        attempts = new AttemptStore(db.dataSource());
        new WorkerStore(db.dataSource()).register(WORKER, "test-host", "cpu", Set.of(TestPatternGenerator.MODEL),
                Set.of(TestPatternGenerator.MODEL), Set.of(TestPatternGenerator.MODEL), 8, 1L << 22);
    }

    @Test
    void oneWriteStoresEveryJobStillRunningAndNothingOfAJobCancelledMeanwhile() throws Exception {
        long first = jobs.submit(new JobSubmission(JobSystem.request("one", 1), JobOrigin.cli(5, 42)));
        long second = jobs.submit(new JobSubmission(JobSystem.request("two", 1), JobOrigin.cli(5, 42)));
        long cancelled = jobs.submit(new JobSubmission(JobSystem.request("three", 1), JobOrigin.cli(5, 43)));
        assertThat(new Dispatcher(db.dataSource(), JobSystem.FAST, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()).dispatchOnce().assigned()).isEqualTo(3);
        List<ClaimedJob> claimed = attempts.claim(WORKER, 8, JobSystem.FAST.lease());
        assertThat(claimed).hasSize(3);
        assertThat(jobs.cancel(cancelled, 43, false)).isEqualTo(CancelOutcome.CANCELLED);

        List<Finished> finished = claimed.stream().map(job -> new Finished(job, new GenerationResult(List.of(
                new GeneratedImage(new byte[] {1, 2, (byte) job.id()}, 100 + job.id(), SafetyVerdict.CLEAN, new float[] {0.25f, -1.5f}),
                new GeneratedImage(new byte[] {3}, 200 + job.id(), SafetyVerdict.FLAGGED, new float[0])), 40))).toList();
        for (Finished f : finished) { // the worker's job threads write the images before the batch records their keys
            for (int i = 0; i < f.result().images().size(); i++) {
                JobSystem.imagesOf(db).put(ImageKeys.result(f.job().id(), f.job().attempt(), i), f.result().images().get(i).png());
            }
        }
        Set<Long> stored = attempts.succeed(finished, WORKER);

        assertThat(stored).containsExactlyInAnyOrder(first, second);
        assertThat(jobs.find(cancelled).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(jobs.results(cancelled)).isEmpty();
        assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE job_id = ?", cancelled)).isZero();
        for (long id : List.of(first, second)) {
            assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(jobs.results(id)).satisfiesExactly(
                    image -> {
                        assertThat(image.png()).containsExactly(1, 2, (byte) id);
                        assertThat(image.seed()).isEqualTo(100 + id);
                        assertThat(image.nsfwScores()).containsExactly(0.25f, -1.5f);
                        assertThat(image.gpuMillis()).isEqualTo(40);
                    },
                    image -> {
                        assertThat(image.png()).containsExactly(3);
                        assertThat(image.safety()).isEqualTo(SafetyVerdict.FLAGGED);
                        assertThat(image.nsfwScores()).isEmpty();
                    });
            assertThat(db.queryLong("SELECT images FROM usage_ledger WHERE job_id = ? AND outcome = 'SUCCEEDED'", id)).isEqualTo(2);
        }
        assertThat(db.queryLong("SELECT images FROM usage_counters WHERE guild_id = 5 AND user_id = 42")).isEqualTo(4);
        assertThat(db.queryLong("SELECT gpu_ms FROM usage_counters WHERE guild_id = 5 AND user_id = 42")).isEqualTo(80);
        assertThat(db.queryLong("SELECT count(*) FROM usage_counters WHERE user_id = 43")).isZero();

        assertThat(attempts.succeed(finished, WORKER)).as("a second write of the same results").isEmpty();
        assertThat(db.queryLong("SELECT count(*) FROM job_results")).isEqualTo(4);
    }
}
