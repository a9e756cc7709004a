package dev.sdbot.inference.selftest;

import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ClipParityTest {

    @Test
    void textEncoderMatchesTransformers() {
        List<CheckResult> results = ClipChecks.run(Fixtures.LDM);
        results.forEach(System.out::println);
        assertThat(results).hasSize(6).allMatch(CheckResult::passed);
    }

    @Test
    void safetyCheckerMatchesDiffusers() {
        List<CheckResult> results = SafetyChecks.run(Fixtures.LDM);
        results.forEach(System.out::println);
        assertThat(results).hasSize(7).allMatch(CheckResult::passed);
    }

    @Test
    void imageConversionMatchesDiffusers() {
        List<CheckResult> results = ImageChecks.run(Fixtures.LDM);
        results.forEach(System.out::println);
        assertThat(results).hasSize(4).allMatch(CheckResult::passed);
    }
}
