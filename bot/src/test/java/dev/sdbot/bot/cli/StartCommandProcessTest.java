package dev.sdbot.bot.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** {@code sdbot start} as a real process, without DISCORD_TOKEN, stopped and started again. */
class StartCommandProcessTest {
    @TempDir
    Path dataDir;

    private Process start(StringBuilder output) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                SdbotCommand.class.getName(), "start")).redirectErrorStream(true);
        pb.environment().remove("DISCORD_TOKEN");
        pb.environment().remove("DATABASE_URL");
        pb.environment().put("SDBOT_DATA_DIR", dataDir.toString());
        pb.environment().put("SDBOT_CONFIG", dataDir.resolve("none.yaml").toString());
        Process process = pb.start();
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream()));
        Thread pump = new Thread(() -> reader.lines().forEach(l -> {
            synchronized (output) {
                output.append(l).append('\n');
            }
        }));
        pump.setDaemon(true);
        pump.start();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            synchronized (output) {
                return output.toString().contains("Not connected to Discord") || !process.isAlive();
            }
        });
        assertThat(process.isAlive()).as(output.toString()).isTrue();
        return process;
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy(); // SIGTERM: the shutdown hook closes everything
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void startsWithoutDiscordTokenRunsJobsAndKeepsQueuedJobsAcrossRestarts() throws Exception {
        CliRunner cli = new CliRunner(Map.of("SDBOT_DATA_DIR", dataDir.toString()), dataDir.resolve("none.yaml"));
        StringBuilder output = new StringBuilder();
        Process first = start(output);
        try {
            assertThat(output.toString()).contains(StartCommand.READY).contains("DISCORD_TOKEN is not set")
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

        Process second = start(new StringBuilder());
        try {
            List<String> stats = cli.run("jobs", "stats").out().lines().toList();
            assertThat(stats).contains("SUCCEEDED 4", "QUEUED 2");
        } finally {
            stop(second);
        }
    }
}
