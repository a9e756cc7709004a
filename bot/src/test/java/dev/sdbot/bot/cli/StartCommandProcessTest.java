package dev.sdbot.bot.cli;

import dev.sdbot.testkit.process.SdbotProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code sdbot start} as a real process, without DISCORD_TOKEN, stopped and started again. */
class StartCommandProcessTest {
    @TempDir
    Path dataDir;

    private SdbotProcess start() throws IOException {
        return SdbotProcess.sdbot("start").environment("SDBOT_DATA_DIR", dataDir.toString())
                .environment("SDBOT_CONFIG", dataDir.resolve("none.yaml").toString()).startAndAwait("Not connected to Discord");
    }

    private static void stop(SdbotProcess process) throws InterruptedException {
        process.terminate(); // SIGTERM: the shutdown hook closes everything
        process.awaitExit(Duration.ofSeconds(60));
    }

    @Test
    void startsWithoutDiscordTokenRunsJobsAndKeepsQueuedJobsAcrossRestarts() throws Exception {
        CliRunner cli = new CliRunner(Map.of("SDBOT_DATA_DIR", dataDir.toString()), dataDir.resolve("none.yaml"));
        SdbotProcess first = start();
        try {
            assertThat(first.output()).contains(StartCommand.READY).contains("DISCORD_TOKEN is not set")
                    .contains("discord.com/developers/applications")
                    // the local worker's test pattern has no safety checker: one warning says so, and what to do
                    .containsOnlyOnce("models without a safety checker: [test-pattern]. Images of these models are UNCHECKED");
            // the CLI attaches to the running embedded database through the port file
            assertThat(cli.run("jobs", "submit", "--prompt", "hello", "--count", "4", "--width", "64", "--height", "64",
                    "--steps", "3").exitCode()).isZero();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> cli.run("jobs", "stats").out().lines().anyMatch("SUCCEEDED 4"::equals));
            // a model no worker has: stays queued
            assertThat(cli.run("jobs", "submit", "--prompt", "waits", "--count", "2", "--model", "sd15-not-installed",
                    "--width", "64", "--height", "64").exitCode()).isZero();
        } finally {
            stop(first);
        }
        assertThat(dataDir.resolve("postgres.port")).doesNotExist();

        SdbotProcess second = start();
        try {
            List<String> stats = cli.run("jobs", "stats").out().lines().toList();
            assertThat(stats).contains("SUCCEEDED 4", "QUEUED 2");
        } finally {
            stop(second);
        }
    }
}
