package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** One elected dispatcher; the other nodes stand by, run no passes, and take over when it goes. */
@ExtendWith(EmbeddedPostgresExtension.class)
class LeaderElectionTest {

    @Test
    void onlyTheLeaderDispatchesAndAStandbyTakesOverWhenItStops(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        try (JobSystem system = new JobSystem(db)) {
            SchedulerNode first = system.startNode();
            await().atMost(Duration.ofSeconds(5)).until(first::isLeader);
            SchedulerNode second = system.startNode();
            system.startWorker("w", 2, new TestPatternGenerator());

            List<Long> ids = system.jobs().submitCopies(new JobSubmission(JobSystem.request("led", 2), JobOrigin.cli(0, 1)), 20);
            await().atMost(Duration.ofSeconds(20)).until(() -> allSucceeded(system, ids));
            assertThat(second.isLeader()).isFalse();
            assertThat(second.dispatchPasses()).as("a standby runs no passes").isZero();
            assertThat(first.dispatchPasses()).isPositive();
            assertThat(db.queryLong("SELECT count(*) FROM scheduler_leader")).isEqualTo(1);

            long handover = System.nanoTime();
            first.close();
            await().atMost(Duration.ofSeconds(5)).until(second::isLeader);
            assertThat(Duration.ofNanos(System.nanoTime() - handover)).as("fast failover")
                    .isLessThan(Duration.ofSeconds(2));
            List<Long> later = system.jobs().submitCopies(new JobSubmission(JobSystem.request("after", 2), JobOrigin.cli(0, 2)), 5);
            await().atMost(Duration.ofSeconds(20)).until(() -> allSucceeded(system, later));
            assertThat(second.dispatchPasses()).isPositive();
        }
    }

    @Test
    void aClosingLeaderHandsOverAtOnceEvenWithALongLease(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers CASCADE");
        // a 50 s leader lease, renewed every 16.7 s: only the handover's NOTIFY makes the standby take it at once
        try (JobSystem system = new JobSystem(db, JobSystem.FAST.withDispatchInterval(Duration.ofSeconds(10)), Clock.systemUTC())) {
            SchedulerNode first = system.startNode();
            await().atMost(Duration.ofSeconds(5)).until(first::isLeader);
            SchedulerNode second = system.startNode();
            Thread.sleep(500);
            assertThat(second.isLeader()).isFalse();

            long handover = System.nanoTime();
            first.close();
            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10)).until(second::isLeader);
            assertThat(Duration.ofNanos(System.nanoTime() - handover)).as("takeover after the leader closed")
                    .isLessThan(Duration.ofSeconds(1));
        }
    }

    private static boolean allSucceeded(JobSystem system, List<Long> ids) {
        return ids.stream().allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED);
    }
}
