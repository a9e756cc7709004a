package dev.sdbot.bot.cli;

import dev.sdbot.bot.http.HttpTestSupport;
import dev.sdbot.testkit.process.SdbotProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * SIGTERM to {@code sdbot worker} in the middle of two jobs: it takes nothing more at once (marked stopped), the job
 * that can finish within SDBOT_SHUTDOWN_GRACE_SECONDS succeeds, the one that cannot goes back to the queue with its
 * attempt taken back and nothing billed, and the process exits 0 shortly after the grace.
 */
class WorkerShutdownProcessTest {
    private static final int GRACE_SECONDS = 8;
    private static final int STEP_MILLIS = 200;

    @TempDir
    Path dataDir;
    private final int workerHttpPort = HttpTestSupport.freePort();

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("SDBOT_DATA_DIR", dataDir.toString());
        env.put("SDBOT_CONFIG", dataDir.resolve("none.yaml").toString());
        env.put("SDBOT_LEASE_SECONDS", "30");
        env.put("SDBOT_HEARTBEAT_SECONDS", "1");
        env.put("SDBOT_WORKER_ID", "gpu-0");
        env.put("SDBOT_WORKER_SLOTS", "2");
        env.put("SDBOT_TEST_PATTERN_STEP_MS", Integer.toString(STEP_MILLIS));
        env.put("SDBOT_SHUTDOWN_GRACE_SECONDS", Integer.toString(GRACE_SECONDS));
        return env;
    }

    private Map<String, String> withHttp(Map<String, String> env) {
        env.put("SDBOT_HTTP_PORT", Integer.toString(workerHttpPort));
        return env;
    }

    private static void submit(CliRunner cli, String prompt, int steps) {
        CliRunner.Result result = cli.run("jobs", "submit", "--prompt", prompt, "--width", "64", "--height", "64",
                "--steps", Integer.toString(steps));
        assertThat(result.exitCode()).as(result.err()).isZero();
    }

    private long job(String prompt) throws Exception {
        return ProcessDatabase.queryLong(dataDir, "SELECT id FROM jobs WHERE prompt = ?", prompt);
    }

    private long query(String sql, Object... params) throws Exception {
        return ProcessDatabase.queryLong(dataDir, sql, params);
    }

    @Test
    void aStoppedWorkerFinishesWhatFitsTheGraceHandsBackTheRestWithoutUsingAnAttemptAndExitsZero() throws Exception {
        CliRunner cli = new CliRunner(environment(), dataDir.resolve("none.yaml"));
        try (SdbotProcess node = SdbotProcess.sdbot("start", "--no-worker").environment(environment())
                .startAndAwait(StartCommand.READY);
             SdbotProcess worker = SdbotProcess.sdbot("worker").environment(withHttp(environment()))
                     .startAndAwait("sdbot worker gpu-0 running")) {
            // 25 steps (5 s) finish within the grace; 150 steps (30 s) cannot
            submit(cli, "short", 25);
            submit(cli, "long", 150);
            long shortJob = job("short");
            long longJob = job("long");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> query("SELECT count(*) FROM jobs WHERE state = 'RUNNING'") == 2);

            worker.terminate();
            worker.awaitLine("Stopping sdbot", Duration.ofSeconds(5));
            // while it drains, /ready turns load away
            var ready = HttpTestSupport.get("http://127.0.0.1:" + workerHttpPort + "/ready");
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(ready.body()).contains("stopping (SIGTERM)");
            // submitted after SIGTERM, while the worker still has a free slot once "short" is done: never dispatched to it
            submit(cli, "after", 2);
            long afterJob = job("after");

            assertThat(worker.awaitExit(Duration.ofSeconds(GRACE_SECONDS + 30))).as(worker.output()).isZero();
            System.out.println("worker stop: SIGTERM to exit " + worker.stopTime().toMillis() + " ms, grace " + GRACE_SECONDS + " s");
            assertThat(worker.stopTime()).as("from SIGTERM to exit").isLessThan(Duration.ofSeconds(GRACE_SECONDS + 6));

            assertThat(query("SELECT count(*) FROM jobs WHERE id = ? AND state = 'SUCCEEDED'", shortJob))
                    .as("finished within the grace").isEqualTo(1);
            assertThat(query("SELECT count(*) FROM jobs WHERE id = ? AND state = 'QUEUED' AND attempt = 0 AND worker_id IS NULL",
                    longJob)).as("handed back without using an attempt").isEqualTo(1);
            assertThat(query("SELECT count(*) FROM usage_ledger WHERE job_id = ?", longJob)).as("nothing billed or recorded")
                    .isZero();
            assertThat(query("SELECT count(*) FROM jobs WHERE id = ? AND state = 'QUEUED' AND attempt = 0", afterJob))
                    .as("nothing dispatched to a stopping worker").isEqualTo(1);
            assertThat(query("SELECT count(*) FROM workers WHERE id = 'gpu-0' AND stopped_at IS NOT NULL")).isEqualTo(1);
            assertThat(worker.output()).contains("handed back to the queue");

            // the next worker runs both; the handed-back job succeeds at its first attempt
            Map<String, String> faster = environment();
            faster.put("SDBOT_TEST_PATTERN_STEP_MS", "5");
            try (SdbotProcess next = SdbotProcess.sdbot("worker").environment(faster)
                    .startAndAwait("sdbot worker gpu-0 running")) {
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                        query("SELECT count(*) FROM jobs WHERE id IN (?, ?) AND state = 'SUCCEEDED' AND attempt = 1", longJob, afterJob) == 2);
                next.terminate();
                assertThat(next.awaitExit(Duration.ofSeconds(30))).isZero();
            }
        }
    }
}
