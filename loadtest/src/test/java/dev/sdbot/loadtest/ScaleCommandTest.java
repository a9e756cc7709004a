package dev.sdbot.loadtest;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sdbot jobs scale} in small (the full run is minutes; README "Running at scale"): two bot processes with shard
 * ranges, one scheduler node and one worker as real processes, images on s3proxy; every job is posted once, by the
 * bot process of its guild's shard, and the figures are printed.
 */
class ScaleCommandTest {
    private record Result(int exitCode, String out, String err) {
    }

    private static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = ScaleCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void aSmallRunPostsEveryJobOnceFromTheBotProcessOfItsShardAndPrintsTheFigures() {
        Result result = run("--jobs", "8", "--rate", "20", "--guilds", "4", "--shards", "2", "--bots", "2",
                "--scheduler-nodes", "1", "--workers", "1", "--size", "64", "--steps", "2", "--step-ms", "10",
                "--drain-timeout", "60");
        String out = result.out() + result.err();
        assertThat(out).contains("states          {POSTED=8}", "scheduler nodes 1 in the Quartz cluster", "posted-once     ok",
                "jobs/s", "queue wait      p50", "submit->posted  p99", "db rows", "wal after", "wal before", "s3 bytes");
        Matcher perBot = Pattern.compile("posts per bot   0-0/2: (\\d+), 1-1/2: (\\d+)").matcher(out);
        assertThat(perBot.find()).as(out).isTrue();
        assertThat(Integer.parseInt(perBot.group(1)) + Integer.parseInt(perBot.group(2))).isEqualTo(8);
        assertThat(Integer.parseInt(perBot.group(1))).as("both shards' guilds had jobs").isPositive();
        assertThat(Integer.parseInt(perBot.group(2))).isPositive();
        assertThat(result.exitCode()).as(out).isZero();
    }

    @Test
    void badOptionsAreRefusedBeforeAnythingStarts() {
        Result fewShards = run("--bots", "3", "--shards", "2");
        assertThat(fewShards.exitCode()).isNotZero();
        assertThat(fewShards.err()).contains("--shards must be at least --bots");
        Result size = run("--size", "100");
        assertThat(size.exitCode()).isNotZero();
        assertThat(size.err()).contains("--size must be a multiple of 64");
        assertThat(fewShards.out() + size.out()).doesNotContain("setup");
    }
}
