package dev.sdbot.loadtest;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The faults the soak injected, with their wall-clock times: a generation that finished just before its process was
 * killed, or while the database was down, may never have been recorded, so running it again is expected.
 */
final class FaultLog {
    record Kill(String process, long pid, long atMillis) {
    }

    record Outage(long fromMillis, long toMillis) {
    }

    final List<Kill> kills = new CopyOnWriteArrayList<>();
    final List<Outage> outages = new CopyOnWriteArrayList<>();

    void killed(String process, long pid) {
        killed(process, pid, System.currentTimeMillis());
    }

    void killed(String process, long pid, long atMillis) {
        kills.add(new Kill(process, pid, atMillis));
    }

    void outage(long fromMillis, long toMillis) {
        outages.add(new Outage(fromMillis, toMillis));
    }

    /**
     * Whether a generation that finished at {@code atMillis} in process {@code pid} may have been cut off before its
     * result was stored: its process was killed within {@code grace} after, or the database was down then (until a
     * lease after it came back, when the reaper takes such jobs back).
     */
    boolean interrupted(long pid, long atMillis, long graceMillis, long leaseMillis) {
        for (Kill k : kills) {
            if (k.pid == pid && k.atMillis >= atMillis && k.atMillis - atMillis <= graceMillis) {
                return true;
            }
        }
        for (Outage o : outages) {
            if (atMillis >= o.fromMillis - graceMillis && atMillis <= o.toMillis + leaseMillis + graceMillis) {
                return true;
            }
        }
        return false;
    }

    String describe() {
        return kills.size() + " SIGKILL(s) (" + kills.stream().filter(k -> k.process.startsWith("worker")).count()
                + " of workers), " + outages.size() + " database restart(s)";
    }
}
