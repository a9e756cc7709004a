package dev.sdbot.inference.vae;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.VaeChecks;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class VaeParityTest {

    @Test
    void encoderAndDecoderMatchDiffusers() {
        List<CheckResult> results = VaeChecks.all(Fixtures.LDM);
        results.forEach(System.out::println);
        assertThat(results).hasSize(3).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
    }
}
