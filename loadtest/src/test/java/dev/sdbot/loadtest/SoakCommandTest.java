package dev.sdbot.loadtest;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sdbot jobs soak} in short: 300 jobs with the fault intervals compressed (a worker SIGKILLed every 8 s, the
 * leader scheduler and the bot SIGKILLed and the database restarted once, a worker 60 s ahead) ends with nothing lost,
 * executed twice or posted twice.
 */
class SoakCommandTest {
    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SoakCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aShortSoakWithFaultsLosesNothingAndDuplicatesNothing() {
        Result result = run("--jobs", "200", "--rate", "10", "--kill-worker-every", "5",
                "--lease-seconds", "5", "--db-outage", "3", "--step-ms", "20", "--drain-timeout", "90");
        String out = result.out() + result.err();
        assertThat(out).contains("submitted 200 ", "lost 0", "duplicated 0", "posted-twice 0", "fault: database stopped");
        assertThat(out.lines().filter(l -> l.startsWith("fault: SIGKILL worker")).count()).as(out).isGreaterThanOrEqualTo(2);
        assertThat(out.lines().filter(l -> l.startsWith("fault: SIGKILL")).count()).as(out).isGreaterThanOrEqualTo(4);
        assertThat(out).contains("fault: SIGKILL bot");
        assertThat(out).doesNotContain("fault failed");
        assertThat(result.exitCode()).as(out).isZero();
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingStarts() {
        Result noJobs = run("--jobs", "0");
        assertThat(noJobs.exitCode()).isNotZero();
        assertThat(noJobs.err()).contains("jobs, rate, slots and steps must be positive");
        Result shortLease = run("--lease-seconds", "1");
        assertThat(shortLease.exitCode()).isNotZero();
        assertThat(shortLease.err()).contains("the lease must be at least 2 s");
        assertThat(noJobs.out() + shortLease.out()).doesNotContain("setup");
    }
}
