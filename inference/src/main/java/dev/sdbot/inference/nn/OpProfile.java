package dev.sdbot.inference.nn;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Optional wall-time totals per kind of layer (conv, group norm, attention...), for {@code sdbot bench}'s
 * breakdown. Off by default: then it costs one volatile read per layer call. libtorch's CPU ops run
 * synchronously, so the time between entering and leaving a layer is the time of its kernels.
 */
public final class OpProfile {
    private static volatile boolean enabled;
    private static final Map<String, AtomicLong[]> TOTALS = new ConcurrentHashMap<>();

    private OpProfile() {
    }

    public static void enable(boolean on) {
        enabled = on;
    }

    public static void reset() {
        TOTALS.clear();
    }

    /** Kind → {nanoseconds, calls}, sorted by kind. */
    public static Map<String, long[]> snapshot() {
        Map<String, long[]> out = new TreeMap<>();
        TOTALS.forEach((k, v) -> out.put(k, new long[]{v[0].get(), v[1].get()}));
        return out;
    }

    static long start() {
        return enabled ? System.nanoTime() : 0;
    }

    static <T> T end(String kind, long start, T result) {
        if (start != 0) {
            AtomicLong[] t = TOTALS.computeIfAbsent(kind, k -> new AtomicLong[]{new AtomicLong(), new AtomicLong()});
            t[0].addAndGet(System.nanoTime() - start);
            t[1].incrementAndGet();
        }
        return result;
    }
}
