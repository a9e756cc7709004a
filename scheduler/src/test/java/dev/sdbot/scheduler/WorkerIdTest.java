package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.BlockingGenerator;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import dev.sdbot.scheduler.worker.WorkerSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * Worker ids without configuration: the host name (a container's id under Docker, so scaled replicas differ and each
 * keeps its id across restarts). The same-id take-back only ever takes from a process that is gone: a second live
 * process under an id is refused instead of taking the first one's jobs.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class WorkerIdTest {

    @Test
    void theDefaultIdIsTheHostNameSoARestartedProcessKeepsIt() throws Exception {
        assertThat(WorkerSettings.defaultWorkerId()).isEqualTo(InetAddress.getLocalHost().getHostName());
        assertThat(WorkerSettings.defaults().workerId()).isEqualTo(WorkerSettings.defaultWorkerId());
    }

    @Test
    void aSecondLiveProcessUnderTheSameIdIsRefusedAndTakesNothingFromTheFirst(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers CASCADE");
        BlockingGenerator generator = new BlockingGenerator();
        try (JobSystem system = new JobSystem(db)) {
            system.startNode();
            system.startWorker("shared-host", 1, generator);
            long id = system.jobs().submit(new JobSubmission(JobSystem.request("first process's", 2), JobOrigin.cli(0, 1)));
            assertThat(generator.started.await(20, TimeUnit.SECONDS)).isTrue();

            assertThatThrownBy(() -> system.startWorker("shared-host", 1, new TestPatternGenerator()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("worker id 'shared-host' is in use by another running worker process")
                    .hasMessageContaining("SDBOT_WORKER_ID");
            JobView running = system.jobs().find(id).orElseThrow();
            assertThat(running.state()).as("not taken back from the live process").isEqualTo(JobState.RUNNING);
            assertThat(running.attempt()).isEqualTo(1);

            generator.release.countDown();
            await().atMost(Duration.ofSeconds(20)).until(() -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED);
            assertThat(system.jobs().find(id).orElseThrow().attempt()).isEqualTo(1);
        }
    }
}
