package dev.sdbot.bot.cli;

import dev.sdbot.testkit.process.SdbotProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

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
                    // the local worker's test pattern needs no safety checker (no model drew it): no warning
                    .doesNotContain("models without a safety checker");
            // the CLI attaches to the running embedded database through the port file
            assertThat(cli.run("jobs", "submit", "--prompt", "hello", "--count", "4", "--width", "64", "--height", "64",
                    "--steps", "3").exitCode()).isZero();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> cli.run("jobs", "stats").out().lines().anyMatch("SUCCEEDED 4"::equals));
            // --wait: the live worker serves the default model; the job's images come out with jobs show --out
            CliRunner.Result waited = cli.run("jobs", "submit", "--prompt", "kept", "--width", "64", "--height", "64",
                    "--steps", "2", "--images", "2", "--wait");
            assertThat(waited.exitCode()).as(waited.out() + waited.err()).isZero();
            assertThat(waited.err()).doesNotContain("warning");
            long job = Long.parseLong(waited.out().lines().findFirst().orElseThrow().replace("queued job ", ""));
            assertThat(waited.out()).contains("job " + job + " SUCCEEDED");
            Path out = dataDir.resolve("shown"); // not <dataDir>/images: the default image store lives there
            CliRunner.Result shown = cli.run("jobs", "show", Long.toString(job), "--out", out.toString());
            assertThat(shown.exitCode()).as(shown.err()).isZero();
            assertThat(shown.out()).contains("job " + job + " SUCCEEDED", "prompt      kept", "image 0", "image 1",
                    "wrote " + out.resolve("job-" + job + "-1.png"));
            for (int i = 0; i < 2; i++) {
                BufferedImage png = ImageIO.read(out.resolve("job-" + job + "-" + i + ".png").toFile());
                assertThat(List.of(png.getWidth(), png.getHeight())).containsExactly(64, 64);
            }
            try (var files = Files.list(out)) {
                assertThat(files).hasSize(2);
            }
            Path notAFolder = Files.writeString(dataDir.resolve("a-file"), "x");
            CliRunner.Result unwritable = cli.run("jobs", "show", Long.toString(job), "--out", notAFolder.toString());
            assertThat(unwritable.exitCode()).isEqualTo(1);
            assertThat(unwritable.err()).contains("cannot write the images to " + notAFolder);
            // a model no worker has: stays queued, with a warning; with --wait, refused
            CliRunner.Result queued = cli.run("jobs", "submit", "--prompt", "waits", "--count", "2", "--model", "sd15-not-installed",
                    "--width", "64", "--height", "64");
            assertThat(queued.exitCode()).isZero();
            assertThat(queued.err()).contains("no live worker serves model 'sd15-not-installed'; live workers serve: test-pattern");
            assertThat(cli.run("jobs", "submit", "--prompt", "waits", "--model", "sd15-not-installed", "--wait").exitCode())
                    .isEqualTo(1);
        } finally {
            stop(first);
        }
        assertThat(dataDir.resolve("postgres.port")).doesNotExist();

        SdbotProcess second = start();
        try {
            List<String> stats = cli.run("jobs", "stats").out().lines().toList();
            assertThat(stats).as("the refused --wait queued nothing").contains("SUCCEEDED 5", "QUEUED 2");
        } finally {
            stop(second);
        }
    }
}
