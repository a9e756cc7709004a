package dev.sdbot.inference.selftest;

import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sdbot selftest --model mini-sdxl}: every SDXL check, folder and single file, within the README tolerances. */
class SdxlSelfTestTest {

    @Test
    void everySdxlCheckPassesForFolderAndSingleFile() {
        SelfTest.Report report = SelfTest.run(Fixtures.LDM, "mini-sdxl");
        report.results().forEach(System.out::println);
        report.skipped().forEach(s -> System.out.println("SKIP " + s));
        assertThat(report.results()).allMatch(CheckResult::passed);
        assertThat(report.results()).extracting(CheckResult::name)
                .anyMatch(n -> n.contains("(single file)") && n.contains("txt2img.2.latents"))
                .anyMatch(n -> n.contains("(folder)") && n.contains("unet.out"))
                .anyMatch(n -> n.contains("tokenizer_2.ids"))
                .anyMatch(n -> n.contains("text_2.pooled"))
                .anyMatch(n -> n.contains("text_encoder_2"))
                // the SDXL LoRA, bundled for mini-sdxl: merged into each source, and asked for from a prompt
                .anyMatch(n -> n.contains("(folder) lora.merged.text_encoder_2."))
                .anyMatch(n -> n.contains("(single file) lora.unet.out"))
                .anyMatch(n -> n.contains("<lora:...> in prompt: lora.unet.out"))
                .anyMatch(n -> n.contains("prompt after a <lora:...> prompt = fresh model"))
                // the mini SDXL ControlNet against diffusers v0.21.4 (make_sdxl_controlnet_refs.py)
                .contains("sdxl controlnet residuals (diffusers folder)", "sdxl controlnet residuals (guess mode)",
                        "sdxl unet.out with controlnet residuals",
                        "sdxl controlnet txt2img.0 latents (Euler 8 steps, weight 0.8, end 0.75)");
        assertThat(report.skipped()).isEmpty();
    }
}
