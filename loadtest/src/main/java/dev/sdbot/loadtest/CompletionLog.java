package dev.sdbot.loadtest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The test-pattern generators' log of finished generations ({@code seed pid epoch-millis} per line, one seed per job),
 * counted per job: how many ran to completion more than once, and how many of those no fault explains.
 */
final class CompletionLog {
    /** A run that finished this long before its process was killed may have been cut off before its result was stored. */
    static final long GRACE_MILLIS = 5_000;

    record Counts(long reExecuted, long duplicated) {
    }

    private CompletionLog() {
    }

    static Counts count(Path log, FaultLog faults, long leaseMillis) throws IOException {
        return count(Files.exists(log) ? Files.readAllLines(log) : List.of(), faults, leaseMillis);
    }

    static Counts count(List<String> lines, FaultLog faults, long leaseMillis) {
        Map<Long, Integer> completions = new HashMap<>();
        Map<Long, Integer> unexplained = new HashMap<>();
        for (String line : lines) {
            String[] f = line.trim().split(" ");
            if (f.length != 3) {
                continue; // a line cut short by a SIGKILL
            }
            long seed = Long.parseLong(f[0]);
            completions.merge(seed, 1, Integer::sum);
            if (!faults.interrupted(Long.parseLong(f[1]), Long.parseLong(f[2]), GRACE_MILLIS, leaseMillis)) {
                unexplained.merge(seed, 1, Integer::sum);
            }
        }
        return new Counts(completions.values().stream().filter(n -> n > 1).count(),
                unexplained.values().stream().filter(n -> n > 1).count());
    }
}
