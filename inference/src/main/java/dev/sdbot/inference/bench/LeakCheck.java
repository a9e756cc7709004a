package dev.sdbot.inference.bench;

import dev.sdbot.inference.api.GenerationException;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * Runs many generations and compares the resident memory after warm-up with the memory at the end: native
 * (libtorch) tensors that are not freed show up as steady growth, which the Java heap does not hide.
 * Requests expected to fail are run in between, so the failure paths are measured too.
 */
public final class LeakCheck {

    /**
     * @param residentAfterWarmup VmRSS after the warm-up generations, bytes
     * @param residentAtEnd       VmRSS after the last one, bytes
     * @param failures            bad requests that failed as they should
     */
    public record Result(int warmup, int generations, long residentAfterWarmup, long residentAtEnd, int failures) {
        public long growthBytes() {
            return residentAtEnd - residentAfterWarmup;
        }
    }

    private static final int MAX_WARMUP = 100;

    private LeakCheck() {
    }

    private static long collections() {
        long n = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            n += Math.max(0, gc.getCollectionCount());
        }
        return n;
    }

    /**
     * @param good       the request generated {@code generations} times (its seed advanced each time)
     * @param bad        requests that must fail (each run once per ten generations and per warm-up); may be empty
     * @param warmup     generations before the first measurement, at least (more until the heap is warm)
     * @param afterEach  called with the generation index (e.g. a progress bar)
     */
    public static Result run(ImageGenerator generator, GenerationRequest good, List<GenerationRequest> bad,
                             int warmup, int generations, LongConsumer afterEach) throws GenerationException {
        int failures = 0;
        // The Java heap's pages become resident as allocation first sweeps through them, which looks like growth:
        // warm up until the young generation has been collected twice (the heap is then fully touched).
        generator.generate(withSeed(good, 0), ProgressListener.NONE); // loads the model
        failures += runBad(generator, bad);
        long gcBefore = collections();
        int warmed = 1;
        while (warmed < warmup || (collections() - gcBefore < 2 && warmed < MAX_WARMUP)) {
            generator.generate(withSeed(good, warmed), ProgressListener.NONE);
            failures += runBad(generator, bad);
            warmed++;
        }
        settle();
        long before = ProcessMemory.residentBytes();
        for (int i = 0; i < generations; i++) {
            generator.generate(withSeed(good, warmed + i), ProgressListener.NONE);
            if (i % 10 == 9) {
                failures += runBad(generator, bad);
            }
            afterEach.accept(i + 1);
        }
        settle();
        return new Result(warmed, generations, before, ProcessMemory.residentBytes(), failures);
    }

    private static int runBad(ImageGenerator generator, List<GenerationRequest> bad) {
        int failed = 0;
        for (GenerationRequest r : bad) {
            try {
                generator.generate(r, ProgressListener.NONE);
            } catch (GenerationException | RuntimeException e) {
                failed++;
            }
        }
        return failed;
    }

    /** Lets the JVM drop garbage (NDArray wrappers) so only native growth remains. */
    private static void settle() {
        System.gc();
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static GenerationRequest withSeed(GenerationRequest r, long offset) {
        long seed = (r.seed() == null ? 0 : r.seed()) + offset * r.count();
        return r.withSeed(seed);
    }
}
