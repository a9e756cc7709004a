package dev.sdbot.scheduler;

import dev.sdbot.db.testing.RestartablePostgres;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.BlockingGenerator;
import dev.sdbot.scheduler.testing.JobSystem;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL stops while a worker is running a job, the job finishes during the outage, and the server comes back
 * on the same port and files: the worker keeps the images and stores them; no attempt is used up and nobody is
 * quarantined (one failure would quarantine here). The outage lasts {@code -Dsdbot.test.outageSeconds} (default 45,
 * past the 40 s after which the result writer used to give up with this 5 s lease; the scenario is 300).
 */
class DatabaseOutageTest {

    @Test
    void aFinishedJobOutlivesALongOutageWithoutUsingUpAnAttemptOrQuarantiningItsWorker() throws Exception {
        Duration outage = Duration.ofSeconds(Long.getLong("sdbot.test.outageSeconds", 45));
        BlockingGenerator generator = new BlockingGenerator();
        try (RestartablePostgres postgres = new RestartablePostgres();
             TestDatabase db = TestDatabase.at(postgres.jdbcUrl());
             JobSystem system = new JobSystem(db, JobSystem.FAST.withLease(Duration.ofSeconds(5)).withQuarantineAfter(1), Clock.systemUTC())) {
            system.startNode();
            system.startWorker("steady", 1, generator);
            long id = system.jobs().submit(new JobSubmission(JobSystem.request("outlives the outage", 2), JobOrigin.cli(0, 1)));
            assertThat(generator.started.await(30, TimeUnit.SECONDS)).isTrue();

            postgres.stop();
            generator.release.countDown(); // finishes while the database is down
            Thread.sleep(outage.toMillis());
            postgres.start();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .until(() -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED);
            JobView done = system.jobs().find(id).orElseThrow();
            assertThat(done.attempt()).as("the outage used up no attempt").isEqualTo(1);
            assertThat(done.workerId()).isEqualTo("steady");
            assertThat(db.queryLong("SELECT count(*) FROM job_results WHERE job_id = ? AND attempt = 1", id)).isEqualTo(1);
            assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE job_id = ? AND outcome <> 'SUCCEEDED'", id))
                    .as("no attempt lost, retried or failed").isZero();
            assertThat(db.queryLong("SELECT count(*) FROM workers WHERE id = 'steady' AND quarantined_at IS NULL"
                    + " AND consecutive_failures = 0")).as("the outage counts against nobody").isEqualTo(1);
        }
    }
}
