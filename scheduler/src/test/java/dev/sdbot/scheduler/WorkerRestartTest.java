package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.testing.WorkerProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A worker killed mid-job and started again under the same id (fixed ids are the README's advice; in a container
 * the pid is always 1): the new process must not keep the dead one's job alive by heartbeating for it.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class WorkerRestartTest {

    @Test
    void theJobsOfAWorkerKilledAndRestartedUnderTheSameIdSucceedWithinTheLease(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters CASCADE");
        try (JobSystem system = new JobSystem(db); WorkerProcess first = WorkerProcess.start(db.jdbcUrl(), "gpu-0", 1000, 3)) {
            system.startNode();
            List<Long> ids = system.jobs().submitCopies(new JobSubmission(JobSystem.request("outlives its worker", 40),
                    JobOrigin.cli(0, 1)), 3);
            await().atMost(Duration.ofSeconds(20)).until(() -> ids.stream()
                    .allMatch(id -> system.jobs().find(id).orElseThrow().progressStep() >= 1));

            first.kill();
            try (WorkerProcess second = WorkerProcess.start(db.jdbcUrl(), "gpu-0", 10, 3)) {
                long restarted = System.nanoTime();
                // the second life's slots are not held by the first life's jobs, and those jobs run again
                await().atMost(JobSystem.FAST.lease().plusSeconds(10)).until(() -> ids.stream()
                        .allMatch(id -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED));
                assertThat(Duration.ofNanos(System.nanoTime() - restarted)).isLessThan(JobSystem.FAST.lease().plusSeconds(5));
                for (long id : ids) {
                    JobView done = system.jobs().find(id).orElseThrow();
                    assertThat(done.workerId()).isEqualTo("gpu-0");
                    assertThat(done.attempt()).isEqualTo(2);
                    assertThat(system.jobs().results(id)).hasSize(1);
                }
                assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE outcome = 'LOST' AND NOT billed"))
                        .as("the lost attempts are on record, unbilled").isEqualTo(3);

                long next = system.jobs().submit(new JobSubmission(JobSystem.request("after the restart", 3), JobOrigin.cli(0, 2)));
                await().atMost(Duration.ofSeconds(10)).until(() -> system.jobs().find(next).orElseThrow().state() == JobState.SUCCEEDED);
            }
        }
    }
}
