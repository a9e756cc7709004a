package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.scheduler.worker.WorkerRuntime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link WorkerRuntime#stop}: the worker is marked stopped at once, a job that ends within the grace succeeds, one that
 * does not goes back to the queue with its attempt taken back and nothing in the ledger, and the dispatcher gives the
 * stopping worker nothing more.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class WorkerShutdownTest {

    @Test
    void stopFinishesWhatFitsTheGraceAndHandsTheRestBackWithoutUsingAnAttempt(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters, usage_ledger CASCADE");
        try (JobSystem system = new JobSystem(db)) {
            system.startNode();
            WorkerRuntime worker = system.startWorker("stopping", 2,
                    new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL), Duration.ofMillis(100)));
            long shortJob = system.jobs().submit(new JobSubmission(JobSystem.request("short", 10), JobOrigin.cli(0, 1)));
            long longJob = system.jobs().submit(new JobSubmission(JobSystem.request("long", 150), JobOrigin.cli(0, 2)));
            await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(20))
                    .until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE state = 'RUNNING'") == 2);

            Thread stopping = new Thread(() -> worker.stop(Duration.ofSeconds(4)));
            stopping.start();
            await().atMost(Duration.ofSeconds(2)).pollInterval(Duration.ofMillis(20)).until(() ->
                    db.queryLong("SELECT count(*) FROM workers WHERE id = 'stopping' AND stopped_at IS NOT NULL") == 1);
            // queued while the worker drains, with its "short" slot free soon: not assigned to it
            long later = system.jobs().submit(new JobSubmission(JobSystem.request("later", 2), JobOrigin.cli(0, 3)));
            stopping.join(15_000);
            assertThat(stopping.isAlive()).isFalse();

            assertThat(system.jobs().find(shortJob).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE id = ? AND state = 'QUEUED' AND attempt = 0"
                    + " AND worker_id IS NULL AND lease_expires_at IS NULL", longJob)).isEqualTo(1);
            assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE job_id = ?", longJob)).isZero();
            assertThat(db.queryLong("SELECT count(*) FROM usage_counters WHERE user_id = 2")).isZero();
            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE id = ? AND state = 'QUEUED' AND attempt = 0", later))
                    .isEqualTo(1);
            assertThat(db.queryLong("SELECT count(*) FROM workers WHERE id = 'stopping' AND stopped_at IS NOT NULL")).isEqualTo(1);

            // another worker runs both, each at its first attempt
            system.startWorker("next", 2, new TestPatternGenerator());
            await().atMost(Duration.ofSeconds(20)).until(() -> db.queryLong(
                    "SELECT count(*) FROM jobs WHERE id IN (?, ?) AND state = 'SUCCEEDED' AND attempt = 1", longJob, later) == 2);
        }
    }
}
