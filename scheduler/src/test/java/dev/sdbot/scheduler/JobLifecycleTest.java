package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.testing.CountingGenerator;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

@ExtendWith(EmbeddedPostgresExtension.class)
class JobLifecycleTest {
    private TestDatabase db;
    private JobSystem system;
    private JobService jobs;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        system = new JobSystem(db);
        jobs = system.jobs();
    }

    @AfterEach
    void tearDown() throws Exception {
        system.close();
    }

    private static JobSubmission submission(String prompt, long user) {
        return new JobSubmission(JobSystem.request(prompt, 4),
                new JobOrigin(10, 20, user, 30, "secret-token", Instant.now().plusSeconds(900)));
    }

    /**
     * A1111's variation seed and strength survive the job row (V41) and reach the worker: every image keeps the seed,
     * the variation seed counts up; a strength without variation seed gets one at submit, as the seed does; copies of
     * a variation keep the seed and count the variation seed up by the count (A1111's batch count).
     */
    @Test
    void variationSeedsAreStoredAndReachTheWorker() throws Exception {
        system.startNode();
        system.startWorker("w1", 1, new TestPatternGenerator());
        GenerationRequest variation = JobSystem.request("a red fox", 2).toBuilder().seed(42L).count(2)
                .variation(4_294_967_295L, 0.25).build();
        long id = jobs.submit(new JobSubmission(variation, submission("a red fox", 7).origin()));
        assertThat(jobs.find(id).orElseThrow().request().variationSeed()).isEqualTo(4_294_967_295L);
        assertThat(jobs.find(id).orElseThrow().request().variationStrength()).isEqualTo(0.25);
        await().atMost(Duration.ofSeconds(15)).until(() -> jobs.find(id).orElseThrow().state() == JobState.SUCCEEDED);
        List<JobResult> images = jobs.results(id);
        assertThat(images).extracting(JobResult::seed).containsExactly(42L, 42L);
        for (JobResult image : images) {
            assertThat(new String(image.png(), java.nio.charset.StandardCharsets.ISO_8859_1))
                    .contains("Seed: 42,", "Variation seed: " + (4_294_967_295L + image.index())
                            + ", Variation seed strength: 0.25");
        }

        GenerationRequest random = variation.withVariation(null, 0.5);
        GenerationRequest stored = jobs.find(jobs.submit(new JobSubmission(random, submission("x", 7).origin())))
                .orElseThrow().request();
        assertThat(stored.variationSeed()).isBetween(0L, GenerationRequest.MAX_VARIATION_SEED);
        assertThat(stored.variationStrength()).isEqualTo(0.5);

        List<Long> copies = jobs.submitCopies(new JobSubmission(variation.withVariation(100L, 0.25),
                submission("x", 7).origin()), 2);
        assertThat(copies.stream().map(c -> jobs.find(c).orElseThrow().request()))
                .extracting(GenerationRequest::seed, GenerationRequest::variationSeed)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(42L, 100L),
                        org.assertj.core.groups.Tuple.tuple(42L, 102L));
        GenerationRequest plain = jobs.find(jobs.submit(new JobSubmission(variation.withVariation(9L, 0),
                submission("x", 7).origin()))).orElseThrow().request();
        assertThat(plain.hasVariation()).isFalse();
    }

    @Test
    void aJobGoesFromQueuedThroughRunningToSucceededAndPosted() throws Exception {
        List<JobEvent> seen = new CopyOnWriteArrayList<>();
        system.events("observer").addListener(seen::add);
        system.startNode();
        system.startWorker("w1", 1, new TestPatternGenerator());

        long id = jobs.submit(submission("a red fox", 7));

        await().atMost(Duration.ofSeconds(15)).until(() -> jobs.find(id).orElseThrow().state() == JobState.SUCCEEDED);
        JobView view = jobs.find(id).orElseThrow();
        assertThat(view.attempt()).isEqualTo(1);
        assertThat(view.workerId()).isEqualTo("w1");
        assertThat(view.origin().userId()).isEqualTo(7);
        assertThat(view.origin().toString()).doesNotContain("secret-token");
        assertThat(view.request().seed()).as("a seed is fixed at submit").isNotNull();
        assertThat(view.progressStep()).isEqualTo(view.progressTotal()).isEqualTo(4);
        assertThat(view.createdAt()).isBeforeOrEqualTo(view.assignedAt());
        assertThat(view.assignedAt()).isBeforeOrEqualTo(view.startedAt());
        assertThat(view.startedAt()).isBeforeOrEqualTo(view.finishedAt());

        List<JobResult> results = jobs.results(id);
        assertThat(results).singleElement().satisfies(r -> {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(r.png()));
            assertThat(image.getWidth()).isEqualTo(64);
            assertThat(r.seed()).isEqualTo(view.request().seed());
            assertThat(r.attempt()).isEqualTo(1);
        });
        assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE job_id = ? AND outcome = 'SUCCEEDED' AND images = 1", id)).isEqualTo(1);
        // guild 10 is on shard 0 of any count ((10 >> 22) % n == 0)
        assertThat(jobs.unpostedSucceeded(ShardRange.parse("0-0/2"), 10)).containsExactly(id);
        assertThat(jobs.unpostedSucceeded(ShardRange.parse("1-1/2"), 10)).as("another process's shards").isEmpty();

        assertThat(jobs.markPosted(id, 2, 555)).as("wrong attempt").isFalse();
        assertThat(jobs.markPosted(id, 1, 555)).isTrue();
        assertThat(jobs.markPosted(id, 1, 556)).as("already posted").isFalse();
        assertThat(jobs.find(id).orElseThrow().postedMessageId()).isEqualTo(555);
        assertThat(jobs.unpostedSucceeded(ShardRange.ALL, 10)).isEmpty();

        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(seen)
                .filteredOn(e -> e.jobId() == id).extracting(JobEvent::state)
                .containsExactly(JobState.QUEUED, JobState.ASSIGNED, JobState.SUCCEEDED));
        assertThat(seen).filteredOn(e -> e.jobId() == id && e.state() == JobState.ASSIGNED).singleElement()
                .extracting(JobEvent::workerId).isEqualTo("w1");
    }

    @Test
    void invalidRequestsAreRejectedWithAClearMessageAndNothingIsQueued() {
        GenerationRequest ok = JobSystem.request("x", 4);
        GenerationRequest badSize = new GenerationRequest("x", "", ok.model(), ok.sampler(), 4, 7, 63, 64, null, 1, null, 0.75, null, 1);
        GenerationRequest badSteps = new GenerationRequest("x", "", ok.model(), ok.sampler(), 0, 7, 64, 64, null, 1, null, 0.75, null, 1);
        GenerationRequest blank = new GenerationRequest("  ", "", ok.model(), ok.sampler(), 4, 7, 64, 64, null, 1, null, 0.75, null, 1);
        GenerationRequest nanCfg = new GenerationRequest("x", "", ok.model(), ok.sampler(), 4, Double.NaN, 64, 64, null, 1, null, 0.75, null, 1);
        JobOrigin origin = JobOrigin.cli(0, 1);

        assertThatThrownBy(() -> jobs.submit(new JobSubmission(badSize, origin))).hasMessageContaining("multiples of 8").hasMessageContaining("63x64");
        assertThatThrownBy(() -> jobs.submit(new JobSubmission(badSteps, origin))).hasMessageContaining("steps must be between 1 and 150, got 0");
        assertThatThrownBy(() -> jobs.submit(new JobSubmission(blank, origin))).hasMessageContaining("the prompt is empty");
        assertThatThrownBy(() -> jobs.submit(new JobSubmission(nanCfg, origin))).hasMessageContaining("CFG scale must be between 1 and 30");
        assertThatThrownBy(() -> jobs.submitCopies(new JobSubmission(ok, origin), 0)).hasMessageContaining("between 1 and 10000");
        assertThat(db.queryLong("SELECT count(*) FROM jobs")).isZero();
    }

    @Test
    void aQueuedJobCanBeCancelledByItsOwnerOrAModeratorOnly() throws Exception {
        long id = jobs.submit(submission("queued", 7));
        assertThat(jobs.queuePosition(id)).isEqualTo(1);
        assertThat(jobs.cancel(id, 8, false)).isEqualTo(CancelOutcome.NOT_ALLOWED);
        assertThat(jobs.cancel(id, 7, false)).isEqualTo(CancelOutcome.CANCELLED);
        assertThat(jobs.cancel(id, 7, false)).isEqualTo(CancelOutcome.ALREADY_FINISHED);
        assertThat(jobs.cancel(424242, 7, true)).isEqualTo(CancelOutcome.NOT_FOUND);
        assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(jobs.queuePosition(id)).isZero();

        long other = jobs.submit(submission("by a moderator", 7));
        assertThat(jobs.cancel(other, 99, true)).isEqualTo(CancelOutcome.CANCELLED);
        assertThat(jobs.find(other).orElseThrow().error()).contains("moderator 99");

        // a cancelled job is never picked up
        CountingGenerator generator = new CountingGenerator(new TestPatternGenerator());
        system.startNode();
        system.startWorker("w1", 1, generator);
        long after = jobs.submit(submission("runs", 7));
        await().atMost(Duration.ofSeconds(15)).until(() -> jobs.find(after).orElseThrow().state() == JobState.SUCCEEDED);
        assertThat(generator.started("queued")).isZero();
        assertThat(generator.started("by a moderator")).isZero();
    }

    @Test
    void aRunningJobThatIsCancelledStopsAtTheNextStepAndNeverCompletes() throws Exception {
        CountingGenerator generator = new CountingGenerator(new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL), Duration.ofMillis(100)));
        system.startNode();
        system.startWorker("w1", 1, generator);
        long id = jobs.submit(new JobSubmission(JobSystem.request("slow", 100), JobOrigin.cli(0, 7)));
        await().atMost(Duration.ofSeconds(15)).until(() -> jobs.find(id).orElseThrow().progressStep() >= 2);

        assertThat(jobs.cancel(id, 7, false)).isEqualTo(CancelOutcome.CANCELLED);

        await().atMost(Duration.ofSeconds(10)).until(() -> db.queryLong("SELECT count(*) FROM usage_ledger WHERE job_id = ? AND outcome = 'CANCELLED'", id) == 1);
        assertThat(generator.completed("slow")).isZero();
        assertThat(jobs.find(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
        assertThat(jobs.results(id)).isEmpty();
        assertThat(jobs.find(id).orElseThrow().progressStep()).isLessThan(100);
    }

    @Test
    void markBlockedOnlyFromQueuedOrSucceeded() throws Exception {
        long queued = jobs.submit(submission("filtered", 7));
        assertThat(jobs.markBlocked(queued, "matched filter")).isTrue();
        assertThat(jobs.find(queued).orElseThrow()).satisfies(v -> {
            assertThat(v.state()).isEqualTo(JobState.BLOCKED);
            assertThat(v.error()).isEqualTo("matched filter");
        });
        assertThat(jobs.markBlocked(queued, "again")).isFalse();
        assertThat(jobs.markBlocked(999_999, "missing")).isFalse();
    }

    @Test
    void fairShareQueuePositionsInterleaveUsersAndPriorityJumpsAhead() throws Exception {
        List<Long> heavy = jobs.submitCopies(submission("heavy", 1), 5);
        long light = jobs.submit(submission("light", 2));
        long vip = jobs.submit(new JobSubmission(JobSystem.request("vip", 4), JobOrigin.cli(10, 3), List.of(), 3));
        assertThat(jobs.queuePosition(vip)).isEqualTo(1);
        assertThat(jobs.queuePosition(heavy.get(0))).isEqualTo(2);
        assertThat(jobs.queuePosition(light)).as("second in line behind the heavy user's first job, not their fifth").isEqualTo(3);
        assertThat(jobs.queuePosition(heavy.get(4))).isEqualTo(7);
        assertThat(jobs.queueDepth()).isEqualTo(7);
        assertThat(jobs.jobsOf(1, 3)).hasSize(3).allSatisfy(v -> assertThat(v.origin().userId()).isEqualTo(1));
    }
}
