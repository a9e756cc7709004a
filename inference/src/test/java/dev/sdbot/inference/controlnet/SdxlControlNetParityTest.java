package dev.sdbot.inference.controlnet;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.SdxlControlNetChecks;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The mini SDXL ControlNet of {@code make_sdxl_controlnet_refs.py} against diffusers v0.21.4. */
class SdxlControlNetParityTest {
    @Test
    void residualsTheUNetWithThemAndTheXlPipelineMatchDiffusers() {
        List<CheckResult> results = SdxlControlNetChecks.runBundled(Fixtures.LDM.resolve("mini-sdxl"));
        results.forEach(System.out::println);
        assertThat(results).hasSize(4);
        assertThat(results).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
    }
}
