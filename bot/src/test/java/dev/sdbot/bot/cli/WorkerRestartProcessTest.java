package dev.sdbot.bot.cli;

import dev.sdbot.testkit.process.SdbotProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sdbot start --no-worker} plus {@code sdbot worker} as real processes: the worker is killed with SIGKILL mid-job
 * and started again under the same SDBOT_WORKER_ID, and every job it held succeeds within the lease and a few seconds.
 */
class WorkerRestartProcessTest {
    private static final int LEASE_SECONDS = 10;

    @TempDir
    Path dataDir;

    private Map<String, String> environment() {
        Map<String, String> env = new HashMap<>();
        env.put("SDBOT_DATA_DIR", dataDir.toString());
        env.put("SDBOT_CONFIG", dataDir.resolve("none.yaml").toString());
        env.put("SDBOT_LEASE_SECONDS", Integer.toString(LEASE_SECONDS));
        env.put("SDBOT_HEARTBEAT_SECONDS", "1");
        env.put("SDBOT_WORKER_ID", "gpu-0");
        env.put("SDBOT_WORKER_SLOTS", "2");
        env.put("SDBOT_TEST_PATTERN_STEP_MS", "500");
        return env;
    }

    private SdbotProcess launch(String readyLine, Map<String, String> extra, String... args) throws IOException {
        return SdbotProcess.sdbot(args).environment(environment()).environment(extra).startAndAwait(readyLine);
    }

    @Test
    void everyJobOfAWorkerKilledAndStartedAgainUnderTheSameIdSucceedsWithinTheLease() throws Exception {
        CliRunner cli = new CliRunner(environment(), dataDir.resolve("none.yaml"));
        SdbotProcess node = launch(StartCommand.READY, Map.of(), "start", "--no-worker");
        SdbotProcess worker = null;
        try {
            worker = launch("sdbot worker gpu-0 running", Map.of(), "worker");
            assertThat(cli.run("jobs", "submit", "--prompt", "held by gpu-0", "--count", "2", "--width", "64", "--height", "64",
                    "--steps", "40").exitCode()).isZero();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> cli.run("jobs", "stats").out().lines().anyMatch("RUNNING 2"::equals));

            worker.kill();
            // the same worker restarted (a faster pattern, so the rerun itself takes a second)
            worker = launch("sdbot worker gpu-0 running", Map.of("SDBOT_TEST_PATTERN_STEP_MS", "20"), "worker");
            long restarted = System.nanoTime();
            await().atMost(Duration.ofSeconds(LEASE_SECONDS + 30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> cli.run("jobs", "stats").out().lines().anyMatch("SUCCEEDED 2"::equals));
            assertThat(Duration.ofNanos(System.nanoTime() - restarted)).as("from the restart to both jobs done")
                    .isLessThan(Duration.ofSeconds(LEASE_SECONDS + 5));
        } finally {
            if (worker != null) {
                worker.kill();
            }
            node.terminate();
            node.awaitExit(Duration.ofSeconds(60));
        }
    }
}
