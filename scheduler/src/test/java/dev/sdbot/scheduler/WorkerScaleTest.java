package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.scheduler.worker.WorkerRuntime;
import dev.sdbot.scheduler.worker.WorkerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code docker compose up --scale worker=4}, then back to 1, with in-JVM workers: each replica's id is derived (as a
 * container's host name is), each new replica takes jobs, and the replicas stopped on the way down (with a grace
 * shorter than their jobs, so running jobs are handed back) lose nothing: every job succeeds once, billed once.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class WorkerScaleTest {
    private static final int JOBS = 40;

    @Test
    void scalingWorkersFromOneToFourAndBackLosesNothingAndEveryReplicaWorks(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        TestPatternGenerator generator = new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL), Duration.ofMillis(40));
        try (JobSystem system = new JobSystem(db)) {
            system.startNode();
            List<WorkerRuntime> replicas = new ArrayList<>();
            replicas.add(system.startWorker(replica(1), generator));
            List<Long> ids = system.jobs().submitCopies(new JobSubmission(JobSystem.request("scaled", 4), JobOrigin.cli(0, 1)), JOBS);

            for (int n = 2; n <= 4; n++) { // scale up
                replicas.add(system.startWorker(replica(n), generator));
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> db.queryLong("SELECT count(DISTINCT worker_id) FROM usage_ledger"
                    + " WHERE outcome = 'SUCCEEDED'") == 4);

            for (int n = 4; n >= 2; n--) { // scale down, each replica with a grace shorter than a job
                replicas.get(n - 1).stop(Duration.ofMillis(50));
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream()
                    .allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED));

            assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE billed AND outcome = 'SUCCEEDED'"))
                    .as("each job billed once").isEqualTo(JOBS);
            assertThat(db.queryLong("SELECT count(*) FROM job_results")).as("one image per job").isEqualTo(JOBS);
            assertThat(db.queryLong("SELECT count(*) FROM workers WHERE quarantined_at IS NOT NULL")).isZero();
            assertThat(db.queryLong("SELECT count(*) FROM workers WHERE stopped_at IS NOT NULL")).as("the scaled-down replicas")
                    .isEqualTo(3);
        }
    }

    /** A replica's id as compose would make it unique: the host's name with the replica number. */
    private static WorkerSettings replica(int n) {
        return WorkerSettings.defaults().withId(WorkerSettings.defaultWorkerId() + "-" + n).withSlots(2)
                .withTiming(Duration.ofMillis(500), Duration.ofMillis(200));
    }
}
