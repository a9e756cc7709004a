package dev.sdbot.inference.pipeline;

import ai.djl.Device;
import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.inference.api.Sampler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Wall time of count=4 as one batch against one image at a time (pixel budget of one image), tiny fixture
 * model; opt-in: -Dsdbot.batchtiming=true. Prints the best of 3 runs after a warm-up.
 */
@EnabledIfSystemProperty(named = "sdbot.batchtiming", matches = "true")
class BatchTiming {

    @Test
    void batchedVsSequential() throws Exception {
        for (int size : new int[] {64, 128}) {
            GenerationRequest request = new GenerationRequest("a red apple on a table", "blurry", "m", Sampler.EULER_A,
                    10, 7.0, size, size, 1L, 4, null, 0.75, null, 1);
            long batched = bestMillis(size, request, Long.MAX_VALUE);
            long sequential = bestMillis(size, request, (long) size * size);
            System.out.printf("%dx%d count=4, 10 steps euler_a: batched %d ms, sequential %d ms (x%.2f)%n", size, size,
                    batched, sequential, sequential / (double) batched);
        }
    }

    private static long bestMillis(int size, GenerationRequest request, long batchPixels) throws Exception {
        try (DiffusionGenerator g = DiffusionGenerator.forCheckpoint("m", Fixtures.LDM.resolve("mini-sd15"),
                Device.cpu(), batchPixels, java.util.Optional.empty())) {
            g.generate(request, ProgressListener.NONE);
            long best = Long.MAX_VALUE;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                g.generate(request, ProgressListener.NONE);
                best = Math.min(best, (System.nanoTime() - t0) / 1_000_000);
            }
            return best;
        }
    }
}
