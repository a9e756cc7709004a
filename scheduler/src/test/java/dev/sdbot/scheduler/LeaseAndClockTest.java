package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.BlockingGenerator;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.testing.MutableClock;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.scheduler.worker.WorkerSettings;
import dev.sdbot.scheduler.dispatch.Dispatcher;
import dev.sdbot.scheduler.dispatch.LeaseReaper;
import dev.sdbot.scheduler.store.WorkerStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Leases, liveness and the maximum run time: on the database's clock, and fair to the workers. */
@ExtendWith(EmbeddedPostgresExtension.class)
class LeaseAndClockTest {
    private TestDatabase db;

    @BeforeEach
    void clean(TestDatabase db) {
        this.db = db;
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
    }

    @Test
    void aSchedulerAndAWorkerWhoseClocksAreAMinuteOffNeitherReapNorStarve() throws Exception {
        MutableClock schedulerClock = MutableClock.ofSystem();
        schedulerClock.advance(Duration.ofSeconds(60));
        MutableClock workerClock = MutableClock.ofSystem();
        workerClock.advance(Duration.ofSeconds(-60));
        try (JobSystem system = new JobSystem(db, JobSystem.FAST, schedulerClock)) {
            system.startNode();
            system.startWorker(WorkerSettings.defaults().withId("slow-clock").withSlots(2)
                    .withTiming(JobSystem.HEARTBEAT, JobSystem.POLL), new TestPatternGenerator(), workerClock);
            List<Long> ids = system.jobs().submitCopies(new JobSubmission(JobSystem.request("skewed", 2), JobOrigin.cli(0, 1)), 10);

            await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream()
                    .allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED));
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE attempt <> 1")).as("jobs reaped and run again").isZero();
            assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE outcome = 'LOST'")).isZero();
            assertThat(system.jobs().availableModels()).as("the worker counts as live").contains(TestPatternGenerator.MODEL);
            assertThat(system.jobs().stats().workers()).singleElement().satisfies(w -> assertThat(w.live()).isTrue());
        }
    }

    @Test
    void anOutageLongerThanTheLeaseTakesTheJobsBackWithoutQuarantiningTheWorker() throws Exception {
        BlockingGenerator generator = new BlockingGenerator();
        try (JobSystem system = new JobSystem(db, JobSystem.FAST.withQuarantineAfter(5), java.time.Clock.systemUTC())) {
            system.startNode();
            // cut off from the database: no heartbeat renews its 5 leases
            system.startWorker(WorkerSettings.defaults().withId("cut-off").withSlots(5)
                    .withTiming(Duration.ofHours(1), JobSystem.POLL), generator);
            List<Long> ids = system.jobs().submitCopies(new JobSubmission(JobSystem.request("in flight", 2), JobOrigin.cli(0, 1)), 5);
            await().atMost(Duration.ofSeconds(15)).until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE state = 'RUNNING'") == 5);

            await().atMost(Duration.ofSeconds(15)).until(() -> ids.stream()
                    .allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.QUEUED));
            assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE outcome = 'LOST' AND NOT billed")).isEqualTo(5);
            assertThat(db.queryLong("SELECT count(*) FROM workers WHERE id = 'cut-off' AND quarantined_at IS NULL"
                    + " AND consecutive_failures = 0")).as("lost leases say nothing about the generator").isEqualTo(1);
            generator.release.countDown();
        }
    }

    @Test
    void aJobThatRunsPastTheMaximumRunTimeIsTakenBackThoughItsWorkerKeepsHeartbeating() throws Exception {
        BlockingGenerator hung = new BlockingGenerator();
        SchedulerSettings settings = JobSystem.FAST.withMaxRunTime(Duration.ofSeconds(2)).withMaxAttempts(1);
        try (JobSystem system = new JobSystem(db, settings, java.time.Clock.systemUTC())) {
            system.startNode();
            system.startWorker("hangs", 1, hung);
            long id = system.jobs().submit(new JobSubmission(JobSystem.request("never ends", 2), JobOrigin.cli(0, 1)));
            assertThat(hung.started.await(15, TimeUnit.SECONDS)).isTrue();

            await().atMost(Duration.ofSeconds(15)).until(() -> system.jobs().find(id).orElseThrow().state() == JobState.FAILED);
            assertThat(system.jobs().find(id).orElseThrow().error())
                    .contains("ran longer than the maximum run time of 2 s on worker hangs").contains("attempt 1 of 1");
            assertThat(db.queryLong("SELECT consecutive_failures FROM workers WHERE id = 'hangs'"))
                    .as("a hung generator is a generator failure").isEqualTo(1);
            hung.release.countDown();
        }
    }

    @Test
    void anAssignmentNoWorkerTookGoesBackToTheQueueWithoutUsingUpAnAttempt() throws Exception {
        JobService jobs = new JobService(db.dataSource(), JobSystem.imagesOf(db), JobSystem.FAST, java.time.Clock.systemUTC());
        // a worker that registered and died before it could take its first job
        new WorkerStore(db.dataSource()).register("gone", "host", "cpu", Set.of(TestPatternGenerator.MODEL), Set.of(), Set.of(), 1, 1L << 22);
        long id = jobs.submit(new JobSubmission(JobSystem.request("never started", 2), JobOrigin.cli(0, 1)));
        assertThat(new Dispatcher(db.dataSource(), JobSystem.FAST, new io.micrometer.core.instrument.simple.SimpleMeterRegistry()).dispatchOnce().assigned()).isEqualTo(1);
        assertThat(jobs.find(id).orElseThrow().attempt()).isEqualTo(1);

        LeaseReaper reaper = new LeaseReaper(db.dataSource(), JobSystem.FAST);
        await().atMost(Duration.ofSeconds(10)).until(() -> reaper.reap() == 1);
        JobView back = jobs.find(id).orElseThrow();
        assertThat(back.state()).isEqualTo(JobState.QUEUED);
        assertThat(back.attempt()).as("nothing ran: no attempt used").isZero();
        assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE job_id = ?", id)).isZero();
    }
}
