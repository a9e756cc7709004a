package dev.sdbot.inference.selftest;

import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The selftest's new groups on the fixture: LoRA from a prompt, tiled VAE decode at 1024x1024. */
class LoraAndTilingChecksTest {

    @Test
    void loraFromThePromptMatchesTheReferenceAndDoesNotLeak() {
        List<CheckResult> results = LoraPromptChecks.run(Fixtures.LDM, "mini-sd15");
        results.forEach(System.out::println);
        assertThat(results).hasSize(3).allMatch(CheckResult::passed);
    }

    /** Within 2 uint8 levels of the untiled decode everywhere, seams included, and with a lower peak memory. */
    @Test
    void tiledDecodeOf1024SquareMatchesUntiledAndNeedsLessPeakMemory() {
        List<CheckResult> results = VaeTilingChecks.run(Fixtures.LDM, "mini-sd15", 1024);
        results.forEach(System.out::println);
        assertThat(results).hasSize(2).allMatch(CheckResult::passed);
    }
}
