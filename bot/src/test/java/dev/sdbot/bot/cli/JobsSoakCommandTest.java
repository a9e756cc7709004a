package dev.sdbot.bot.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sdbot jobs soak} in short: 300 jobs with the fault intervals compressed (a worker SIGKILLed every 8 s, the
 * leader scheduler and the bot SIGKILLed and the database restarted once, a worker 60 s ahead) ends with nothing lost,
 * executed twice or posted twice.
 */
class JobsSoakCommandTest {
    @TempDir
    Path dir;

    @Test
    void aShortSoakWithFaultsLosesNothingAndDuplicatesNothing() {
        CliRunner cli = new CliRunner(Map.of(), dir.resolve("none.yaml"));
        CliRunner.Result result = cli.run("jobs", "soak", "--jobs", "300", "--rate", "10", "--kill-worker-every", "8",
                "--lease-seconds", "5", "--db-outage", "3", "--step-ms", "20", "--drain-timeout", "90");
        String out = result.out() + result.err();
        assertThat(out).contains("submitted 300 ", "lost 0", "duplicated 0", "posted-twice 0", "fault: database stopped");
        assertThat(out.lines().filter(l -> l.startsWith("fault: SIGKILL worker")).count()).as(out).isGreaterThanOrEqualTo(2);
        assertThat(out.lines().filter(l -> l.startsWith("fault: SIGKILL")).count()).as(out).isGreaterThanOrEqualTo(4);
        assertThat(out).contains("fault: SIGKILL bot");
        assertThat(out).doesNotContain("fault failed");
        assertThat(result.exitCode()).as(out).isZero();
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingStarts() {
        CliRunner cli = new CliRunner(Map.of(), dir.resolve("none.yaml"));
        CliRunner.Result noJobs = cli.run("jobs", "soak", "--jobs", "0");
        assertThat(noJobs.exitCode()).isNotZero();
        assertThat(noJobs.err()).contains("jobs, rate, slots and steps must be positive");
        CliRunner.Result shortLease = cli.run("jobs", "soak", "--lease-seconds", "1");
        assertThat(shortLease.exitCode()).isNotZero();
        assertThat(shortLease.err()).contains("the lease must be at least 2 s");
        assertThat(noJobs.out() + shortLease.out()).doesNotContain("setup");
    }
}
