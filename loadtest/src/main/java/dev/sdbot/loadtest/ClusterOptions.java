package dev.sdbot.loadtest;

import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;

/**
 * The options {@code jobs soak} and {@code jobs scale} share (a picocli mixin): the workers' slots, the test-pattern
 * job's steps and step time, the lease, the drain timeout and whether to keep the run's directory; and that directory.
 */
final class ClusterOptions {
    @Option(names = "--slots", defaultValue = "4", description = "Slots per worker (${DEFAULT-VALUE}).")
    int slots;
    @Option(names = "--steps", defaultValue = "4", description = "Steps per job (${DEFAULT-VALUE}).")
    int steps;
    @Option(names = "--step-ms", defaultValue = "50", description = "Time per step of the test-pattern generator (${DEFAULT-VALUE}).")
    int stepMillis;
    @Option(names = "--lease-seconds", defaultValue = "10", description = "Job lease (${DEFAULT-VALUE}).")
    int leaseSeconds;
    @Option(names = "--drain-timeout", defaultValue = "600",
            description = "Seconds to wait after the last command for every job to end (${DEFAULT-VALUE}).")
    int drainTimeout;
    @Option(names = "--keep", description = "Keep the run's directory (database, process logs, completion log).")
    boolean keep;

    Duration lease() {
        return Duration.ofSeconds(leaseSeconds);
    }

    Duration drain() {
        return Duration.ofSeconds(drainTimeout);
    }

    /** What a run does in its directory; true when it passed. */
    interface Run {
        boolean run(Path dir) throws Exception;
    }

    /**
     * Runs {@code run} in a new temporary directory, deleted afterwards unless {@code --keep} or the run failed;
     * returns the exit code (0 passed, 1 failed).
     */
    int inTemporaryDirectory(String prefix, PrintWriter out, Run run) throws Exception {
        Path dir = Files.createTempDirectory(prefix);
        boolean passed = false;
        try {
            passed = run.run(dir);
            return passed ? 0 : 1;
        } finally {
            if (keep || !passed) {
                out.println("files kept in " + dir);
            } else {
                deleteTree(dir);
            }
            out.flush();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
