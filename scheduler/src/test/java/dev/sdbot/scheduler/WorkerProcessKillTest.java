package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.testing.WorkerMain;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@ExtendWith(EmbeddedPostgresExtension.class)
class WorkerProcessKillTest {

    @Test
    void aJobWhoseWorkerProcessIsKilledCompletesOnAnotherWorker(TestDatabase db) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                db.jdbcUrl(), "doomed", "100")).redirectErrorStream(true).start();
        try (JobSystem system = new JobSystem(db)) {
            BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
            String line;
            while ((line = out.readLine()) != null && !line.contains("worker ready")) {
                // skip start-up logging
            }
            assertThat(line).as("child worker started").isNotNull();
            system.startNode();
            long id = system.jobs().submit(new JobSubmission(JobSystem.request("survives a kill", 40), JobOrigin.cli(0, 1)));
            await().atMost(Duration.ofSeconds(20)).until(() -> {
                JobView v = system.jobs().find(id).orElseThrow();
                return v.state() == JobState.RUNNING && "doomed".equals(v.workerId()) && v.progressStep() >= 1;
            });

            child.destroyForcibly().waitFor();
            system.startWorker("survivor", 1, new TestPatternGenerator());

            await().atMost(Duration.ofSeconds(30)).until(() -> system.jobs().find(id).orElseThrow().state() == JobState.SUCCEEDED);
            JobView done = system.jobs().find(id).orElseThrow();
            assertThat(done.workerId()).isEqualTo("survivor");
            assertThat(done.attempt()).isEqualTo(2);
            assertThat(system.jobs().results(id)).hasSize(1);
        } finally {
            child.destroyForcibly();
        }
    }
}
