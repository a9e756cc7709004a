package dev.sdbot.inference.bench;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.pipeline.DiffusionGenerator;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** 100 generations on mini-sd15 (and failing requests in between) must not grow native memory. */
class LeakCheckTest {
    private static final long BOUND = 64L << 20;

    @Test
    void residentMemoryStaysFlatOver100Generations() throws Exception {
        try (DiffusionGenerator generator = DiffusionGenerator.forCheckpoint("m", Fixtures.LDM.resolve("mini-sd15"),
                ai.djl.Device.cpu())) {
            GenerationRequest good = new GenerationRequest("a lighthouse", "fog", "m", Sampler.EULER_A, 2, 5, 64, 64,
                    1L, 1, null, 0.75, null, 1);
            List<GenerationRequest> bad = List.of(
                    new GenerationRequest("x", "", "m", Sampler.DDIM, 2, 5, 64, 64, 1L, 1, new byte[]{1, 2, 3}, 0.5, null, 1),
                    new GenerationRequest("x", "", "m", Sampler.DDIM, 2, 5, 64, 64, 1L, 1, null, 0.5, null, 40),
                    new GenerationRequest("x", "", "m", Sampler.DDIM, 2, 5, 60, 64, 1L, 1, null, 0.5, null, 1));
            LeakCheck.Result r = LeakCheck.run(generator, good, bad, 5, 100, i -> {
            });
            System.out.printf("leak check: %d warm-up + %d generations, RSS %.1f MiB after warm-up, %.1f MiB at the end, growth %.1f MiB,"
                            + " %d bad requests failed%n", r.warmup(), r.generations(), r.residentAfterWarmup() / 1048576.0,
                    r.residentAtEnd() / 1048576.0, r.growthBytes() / 1048576.0, r.failures());
            assertThat(r.failures()).isEqualTo(3 * (r.warmup() + 10));
            assertThat(r.growthBytes()).as("resident memory growth").isLessThan(BOUND);
        }
    }
}
