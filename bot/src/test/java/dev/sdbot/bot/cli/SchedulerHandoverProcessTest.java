package dev.sdbot.bot.cli;

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
 * Two {@code sdbot scheduler} processes (and a worker, which owns the embedded database); SIGTERM to the one that
 * dispatches: it hands its leader lease over and announces it, and the other leads at once, not when the lease
 * (here 50 s) would have run out nor at its next renewal (every 16.7 s). The old leader exits 0.
 */
class SchedulerHandoverProcessTest {
    private static final String LEADS = "is now the dispatcher";
    private static final String NODE_READY = "sdbot scheduler node";

    @TempDir
    Path dataDir;

    @Test
    void theStandbyLeadsWithinAboutASecondOfTheLeadersSigterm() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("SDBOT_DATA_DIR", dataDir.toString());
        env.put("SDBOT_CONFIG", dataDir.resolve("none.yaml").toString());
        env.put("SDBOT_DISPATCH_INTERVAL_MS", "10000"); // leader lease 50 s, renewed every 16.7 s
        env.put("SDBOT_WORKER_ID", "w");
        CliRunner cli = new CliRunner(env, dataDir.resolve("none.yaml"));
        try (SdbotProcess worker = SdbotProcess.sdbot("worker").environment(env)
                .startAndAwait("sdbot worker w running");
             SdbotProcess leader = SdbotProcess.sdbot("scheduler").environment(env).startAndAwait(NODE_READY)) {
            leader.awaitLine(LEADS, Duration.ofSeconds(30));
            try (SdbotProcess standby = SdbotProcess.sdbot("scheduler").environment(env).startAndAwait(NODE_READY)) {
                Thread.sleep(1000); // its first renewal (at start) found the lease taken
                assertThat(standby.printed(LEADS)).as(standby.output()).isFalse();

                long sigterm = leader.terminate();
                long leads = standby.awaitLine(LEADS, Duration.ofSeconds(30));
                Duration takeover = Duration.ofNanos(leads - sigterm);
                System.out.println("scheduler takeover after SIGTERM of the leader: " + takeover.toMillis() + " ms");
                assertThat(takeover).as("from the leader's SIGTERM to the standby leading").isLessThan(Duration.ofSeconds(2));
                assertThat(leader.awaitExit(Duration.ofSeconds(30))).as(leader.output()).isZero();

                // and it dispatches
                assertThat(cli.run("jobs", "submit", "--prompt", "after the handover", "--width", "64", "--height", "64",
                        "--steps", "2").exitCode()).isZero();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() ->
                        ProcessDatabase.queryLong(dataDir, "SELECT count(*) FROM jobs WHERE state = 'SUCCEEDED'") == 1);
            }
        }
    }
}
