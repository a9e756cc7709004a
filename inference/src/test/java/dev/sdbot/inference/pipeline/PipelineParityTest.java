package dev.sdbot.inference.pipeline;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.PipelineChecks;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PipelineParityTest {

    private static void assertAllPass(List<CheckResult> results) {
        results.forEach(System.out::println);
        assertThat(results).isNotEmpty().allMatch(CheckResult::passed);
    }

    @Test
    void txt2imgSd15() {
        assertAllPass(PipelineChecks.txt2img(Fixtures.LDM, "mini-sd15"));
    }

    @Test
    void txt2imgSd21VPrediction() {
        assertAllPass(PipelineChecks.txt2img(Fixtures.LDM, "mini-sd21v"));
    }

    @Test
    void img2img() {
        assertAllPass(PipelineChecks.img2img(Fixtures.LDM));
    }

    @Test
    void inpaintingWithNineChannelUNet() {
        assertAllPass(PipelineChecks.inpaint(Fixtures.LDM, true));
    }

    @Test
    void inpaintingByMaskBlending() {
        assertAllPass(PipelineChecks.inpaint(Fixtures.LDM, false));
    }
}
