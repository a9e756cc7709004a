package dev.sdbot.inference.controlnet;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.ControlNetChecks;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The mini ControlNet of {@code src/test/resources/controlnet/make_controlnet_refs.py} against diffusers v0.21.4. */
class ControlNetParityTest {
    static final Path SD15 = Fixtures.LDM.resolve("mini-sd15");

    @Test
    void residualsAndTheUNetWithThemMatchDiffusers() {
        List<CheckResult> results = ControlNetChecks.runBundled(SD15);
        results.forEach(System.out::println);
        assertThat(results).hasSize(5);
        assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
    }
}
