package dev.sdbot.inference.sampling;

import dev.sdbot.inference.api.Sampler;
import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.SamplerChecks;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The k-diffusion (A1111) samplers (Euler, Euler a, LMS and DPM++ 2M among them), A1111's DDIM and PLMS, UniPC, the few-step samplers (LCM, SGM Uniform) and diffusers' Euler / Euler a
 * on trailing spacing against make_refs.py's references (bundled in the jar).
 */
class KDiffusionParityTest {

    @Test
    void everyNewSamplerReproducesItsReference() {
        List<CheckResult> results = SamplerChecks.runBundled();
        results.forEach(System.out::println);
        assertThat(results).hasSize(29 + 11);
        assertThat(results).allMatch(CheckResult::passed);
    }

    @Test
    void everySamplerNotCheckedAgainstTheDiffusersFixtureHasABundledReference() {
        Set<String> fixtureCases = Set.of("ddim_diffusers", "plms_diffusers", "euler_diffusers", "euler_a_diffusers", "lms_diffusers",
                "dpmpp_2m_diffusers", "dpmpp_2m_karras_diffusers");
        Set<String> bundled = SamplerChecks.runBundled().stream()
                .map(r -> r.name().split(" ")[1].replaceAll("_v$", "").replaceAll("\\..*", "")) // "ddim.7.img2img0.6"
                .filter(name -> !name.endsWith("_trailing")) // fixture samplers on another spacing
                .collect(Collectors.toSet());
        Set<String> all = Arrays.stream(Sampler.values()).map(Sampler::id).collect(Collectors.toSet());
        assertThat(bundled).doesNotContainAnyElementsOf(fixtureCases);
        assertThat(bundled).hasSize(all.size() - fixtureCases.size());
        assertThat(all).containsAll(bundled);
    }

    @Test
    void fewStepSamplersMatchTheirReferences() {
        List<CheckResult> results = SamplerChecks.runBundled();
        for (String name : List.of("lcm", "lcm_diffusers", "lcm_diffusers_v", "euler_sgm_uniform",
                "euler_a_sgm_uniform", "euler_a_sgm_uniform_v", "euler_trailing", "euler_a_trailing")) {
            assertThat(results).filteredOn(r -> r.name().startsWith("sampler " + name + " ")).singleElement()
                    .matches(CheckResult::passed, "within tolerance");
        }
    }
}
