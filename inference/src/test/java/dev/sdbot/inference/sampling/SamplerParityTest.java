package dev.sdbot.inference.sampling;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.SamplerChecks;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SamplerParityTest {

    @Test
    void everySamplerMatchesDiffusers() {
        List<CheckResult> results = SamplerChecks.run(Fixtures.LDM.resolve("mini-sd15-reference/reference.safetensors"));
        results.forEach(System.out::println);
        assertThat(results).hasSizeGreaterThan(40);
        assertThat(results).allMatch(CheckResult::passed);
    }
}
