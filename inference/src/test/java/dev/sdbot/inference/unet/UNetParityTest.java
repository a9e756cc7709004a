package dev.sdbot.inference.unet;

import dev.sdbot.inference.Fixtures;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.UNetChecks;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class UNetParityTest {

    @Test
    void sd15UNetMatchesDiffusers() {
        CheckResult r = UNetChecks.unet("unet.out mini-sd15", Fixtures.LDM.resolve("mini-sd15"),
                Fixtures.LDM.resolve("mini-sd15-reference/reference.safetensors"));
        System.out.println(r);
        assertThat(r.passed()).as(r.toString()).isTrue();
    }

    @Test
    void sd21vUNetMatchesDiffusers() {
        CheckResult r = UNetChecks.unet("unet.out mini-sd21v", Fixtures.LDM.resolve("mini-sd21v"),
                Fixtures.LDM.resolve("mini-sd21v-reference/reference.safetensors"));
        System.out.println(r);
        assertThat(r.passed()).as(r.toString()).isTrue();
    }
}
