package dev.sdbot.inference.selftest;

import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same runner as {@code sdbot selftest}: every check for each fixture model passes. The slow tiled-vs-untiled decode
 * (its own code whatever the model) runs once, for mini-sd15.
 */
class SelfTestTest {

    @Test
    void miniSd15PassesEveryCheck() {
        SelfTest.Report report = SelfTest.run(Fixtures.LDM, "mini-sd15");
        assertThat(report.results()).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
        assertThat(report.results()).extracting(CheckResult::name)
                .anyMatch(n -> n.contains("unet.out (single file)"))
                .anyMatch(n -> n.contains("inpaint9"))
                .anyMatch(n -> n.contains("lora"))
                .anyMatch(n -> n.contains("<lora:...> in prompt"))
                .anyMatch(n -> n.matches("mini-sd15 vae tiled vs untiled decode 768x768: uint8 difference away from"
                        + " seams max [0-2] .*at seams max [0-2] .*bound 2"))
                .anyMatch(n -> n.startsWith("mini-sd15 vae tiled decode 768x768 peak memory"))
                .anyMatch(n -> n.contains("safety"))
                .anyMatch(n -> n.startsWith("unet.out mini-sd15 float16"));
        // everything the fixture has is checked; bf16 cannot run in this build and says why
        assertThat(report.skipped()).singleElement().asString().startsWith("bf16 parity: precision bf16 is not supported");
    }

    @Test
    void miniSd21vPassesAndSkipsWhatItLacks() {
        SelfTest.Report report = SelfTest.run(Fixtures.LDM, "mini-sd21v", null, ai.djl.Device.cpu(),
                dev.sdbot.inference.pipeline.Precision.AUTO, GroupFilter.skipping("vae tiling"));
        assertThat(report.results()).allSatisfy(r -> assertThat(r.passed()).as(r.toString()).isTrue());
        assertThat(report.results()).extracting(CheckResult::name).anyMatch(n -> n.contains("unet.out (single file)"));
        assertThat(report.skipped()).anyMatch(s -> s.startsWith("inpaint9")).anyMatch(s -> s.startsWith("lora"))
                .anyMatch(s -> s.startsWith("safety")).contains("vae tiling: --skip");
    }
}
