package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.BlockingGenerator;
import dev.sdbot.scheduler.testing.CountingGenerator;
import dev.sdbot.scheduler.testing.FailingGenerator;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.testing.MutableClock;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.scheduler.worker.WorkerRuntime;
import dev.sdbot.scheduler.worker.WorkerSettings;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(EmbeddedPostgresExtension.class)
class RecoveryTest {
    private TestDatabase db;

    @BeforeEach
    void clean(TestDatabase db) {
        this.db = db;
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
    }

    @Test
    void anExpiredLeaseSendsTheJobToAnotherWorkerAndTheLateWriteOfTheFirstIsRejected() throws Exception {
        MutableClock clock = MutableClock.ofSystem();
        BlockingGenerator hung = new BlockingGenerator();
        try (JobSystem system = new JobSystem(db, JobSystem.FAST, clock)) {
            system.startNode();
            // a worker that stops heartbeating (hung / cut off): its lease is never renewed
            WorkerRuntime stuck = system.startWorker(WorkerSettings.defaults().withId("stuck").withSlots(1)
                    .withTiming(Duration.ofHours(1), JobSystem.POLL), hung);
            long id = system.jobs().submit(new JobSubmission(JobSystem.request("fenced", 3), JobOrigin.cli(0, 1)));
            assertThat(hung.started.await(15, TimeUnit.SECONDS)).isTrue();
            assertThat(system.jobs().find(id).orElseThrow().workerId()).isEqualTo("stuck");

            system.startWorker("healthy", 1, new TestPatternGenerator()); // the stuck worker's lease runs out meanwhile

            await().atMost(Duration.ofSeconds(20)).until(() -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED);
            JobView done = system.jobs().find(id).orElseThrow();
            assertThat(done.workerId()).isEqualTo("healthy");
            assertThat(done.attempt()).isEqualTo(2);

            hung.release.countDown();
            assertThat(hung.finished.await(10, TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(10)).until(() -> stuck.runningJobs() == 0);

            assertThat(system.jobs().results(id)).singleElement().satisfies(r -> assertThat(r.attempt()).isEqualTo(2));
            assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE job_id = ? AND worker_id = 'stuck' AND outcome <> 'LOST'", id))
                    .as("the stuck worker's late result left no trace").isZero();
            assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE job_id = ? AND worker_id = 'stuck' AND NOT billed", id))
                    .as("its lost attempt is on record, unbilled").isEqualTo(1);
            assertThat(system.jobs().find(id).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        }
    }

    @Test
    void aPoisonJobFailsAfterMaxAttemptsWhileOtherJobsSucceed() throws Exception {
        CountingGenerator generator = new CountingGenerator(new FailingGenerator(r -> r.prompt().equals("poison")));
        try (JobSystem system = new JobSystem(db, JobSystem.FAST.withQuarantineAfter(100), java.time.Clock.systemUTC())) {
            system.startNode();
            system.startWorker("w1", 2, generator);
            system.startWorker("w2", 2, generator);
            long poison = system.jobs().submit(new JobSubmission(JobSystem.request("poison", 2), JobOrigin.cli(0, 1)));
            long fine = system.jobs().submit(new JobSubmission(JobSystem.request("fine", 2), JobOrigin.cli(0, 2)));

            await().atMost(Duration.ofSeconds(30)).until(() -> system.jobs().find(poison).orElseThrow().state() == JobState.FAILED);
            JobView failed = system.jobs().find(poison).orElseThrow();
            assertThat(failed.attempt()).isEqualTo(3);
            assertThat(failed.error()).contains("attempt 3").contains("engine crashed on 'poison'");
            assertThat(failed.finishedAt()).isNotNull();
            assertThat(generator.started("poison")).isEqualTo(3);
            assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE job_id = ? AND outcome = 'RETRY'", poison)).isEqualTo(2);
            assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE job_id = ? AND outcome = 'FAILED'", poison)).isEqualTo(1);
            await().atMost(Duration.ofSeconds(15)).until(() -> system.jobs().find(fine).orElseThrow().state() == JobState.SUCCEEDED);

            Thread.sleep(1000); // nothing re-queues a failed job
            assertThat(generator.started("poison")).isEqualTo(3);
        }
    }

    @Test
    void aWorkerThatFailsJobsInARowIsQuarantinedAndItsJobsSucceedElsewhere() throws Exception {
        try (JobSystem system = new JobSystem(db, JobSystem.FAST.withQuarantineAfter(2).withMaxAttempts(5), java.time.Clock.systemUTC())) {
            system.startNode();
            system.startWorker("broken", 1, new FailingGenerator(r -> true));
            var ids = system.jobs().submitCopies(new JobSubmission(JobSystem.request("q", 2), JobOrigin.cli(0, 1)), 4);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> db.queryLong("SELECT count(*) FROM workers WHERE id = 'broken' AND quarantined_at IS NOT NULL") == 1);
            assertThat(system.jobs().stats().workers()).singleElement()
                    .satisfies(w -> assertThat(w.quarantineReason()).contains("2 jobs failed in a row"));

            system.startWorker("good", 2, new TestPatternGenerator());
            await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream()
                    .allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED));
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE worker_id = 'broken'")).isZero();

            assertThat(system.jobs().releaseWorker("broken")).isTrue();
            assertThat(system.jobs().releaseWorker("broken")).as("already released").isFalse();
            assertThat(db.queryLong("SELECT count(*) FROM workers WHERE id = 'broken' AND quarantined_at IS NULL AND consecutive_failures = 0")).isEqualTo(1);
        }
    }

    @Test
    void aJobWhoseWorkerKeepsDyingFailsAfterMaxAttemptsInsteadOfLoopingForever() throws Exception {
        try (JobSystem system = new JobSystem(db, JobSystem.FAST.withMaxAttempts(2), java.time.Clock.systemUTC())) {
            long id = system.jobs().submit(new JobSubmission(JobSystem.request("crashes the process", 2), JobOrigin.cli(0, 1)));
            system.startNode();
            List<BlockingGenerator> hung = new ArrayList<>();
            for (int attempt = 1; attempt <= 2; attempt++) {
                BlockingGenerator dies = new BlockingGenerator();
                hung.add(dies);
                system.startWorker(WorkerSettings.defaults().withId("doomed-" + attempt).withSlots(1)
                        .withTiming(Duration.ofHours(1), JobSystem.POLL), dies);
                assertThat(dies.started.await(15, TimeUnit.SECONDS)).isTrue();
                int taken = attempt;
                // the worker "died": no heartbeat renews the lease, which runs out on the database's clock
                await().atMost(Duration.ofSeconds(15)).until(() -> {
                    JobView v = system.jobs().find(id).orElseThrow();
                    return v.attempt() == taken && (v.state() == JobState.QUEUED || v.state() == JobState.FAILED);
                });
            }
            JobView view = system.jobs().find(id).orElseThrow();
            assertThat(view.state()).isEqualTo(JobState.FAILED);
            assertThat(view.error()).contains("lease expired on worker doomed-2").contains("attempt 2 of 2");
            hung.forEach(g -> g.release.countDown());
        }
    }
}
