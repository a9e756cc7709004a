package dev.sdbot.scheduler;

import dev.sdbot.db.testing.RestartablePostgres;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DatabaseRestartTest {

    @Test
    void workersAndSchedulerReconnectAfterTheDatabaseRestartsAndNothingIsLost() throws Exception {
        try (RestartablePostgres postgres = new RestartablePostgres();
             TestDatabase db = TestDatabase.at(postgres.jdbcUrl());
             JobSystem system = new JobSystem(db, JobSystem.FAST.withLease(Duration.ofSeconds(10)), Clock.systemUTC())) {
            system.startNode();
            TestPatternGenerator slowish = new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL), Duration.ofMillis(20));
            system.startWorker("w1", 2, slowish);
            system.startWorker("w2", 2, slowish);
            List<Long> ids = system.jobs().submitCopies(new JobSubmission(JobSystem.request("restart", 5), JobOrigin.cli(0, 1)), 120);
            await().atMost(Duration.ofSeconds(30)).until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE state = 'SUCCEEDED'") >= 10);

            postgres.stop();
            Thread.sleep(2000);
            postgres.start();

            // submits work again once it is back
            long after = system.jobs().submit(new JobSubmission(JobSystem.request("after restart", 5), JobOrigin.cli(0, 1)));
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                    .until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE state = 'SUCCEEDED'") == ids.size() + 1);
            assertThat(system.jobs().find(after).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
            assertThat(db.queryLong("SELECT count(*) FROM job_results")).as("one result per job").isEqualTo(ids.size() + 1);
            assertThat(db.queryLong("SELECT count(*) FROM job_results r JOIN jobs j ON j.id = r.job_id WHERE r.attempt <> j.attempt"))
                    .as("results belong to the job's final attempt").isZero();
        }
    }
}
