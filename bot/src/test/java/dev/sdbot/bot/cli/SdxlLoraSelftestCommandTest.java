package dev.sdbot.bot.cli;

import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sdbot selftest --model mini-sdxl} runs the SDXL LoRA checks with the LoRA and diffusers reference bundled in
 * the build; another SDXL model without {@code NAME-lora.safetensors} and {@code NAME-lora-reference.safetensors}
 * beside it gets a SKIP line naming them.
 */
class SdxlLoraSelftestCommandTest {
    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(Map.of(), dir.resolve("none.yaml"));
    }

    @Test
    void miniSdxlRunsTheLoraChecksAndAnotherSdxlModelSkipsThem() throws Exception {
        CliRunner.Result r = cli().run("selftest", "--fixtures", Fixtures.LDM.toString(), "--model", "mini-sdxl",
                "--skip", "sdxl controlnet"); // SdxlSelfTestTest runs it
        assertThat(r.out()).contains("SKIP  sdxl controlnet");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("PASS  mini-sdxl \\(folder\\) lora\\.merged\\.text_encoder_2\\.\\* \\(4 weights\\)")
                .containsPattern("PASS  mini-sdxl \\(single file\\) lora\\.unet\\.out \\(\\d+ modules\\)")
                .contains("PASS  mini-sdxl <lora:...> in prompt: lora.unet.out")
                .contains("PASS  mini-sdxl prompt after a <lora:...> prompt = fresh model")
                .doesNotContain("SKIP  sdxl lora");

        Files.createSymbolicLink(dir.resolve("other-xl"), Fixtures.LDM.resolve("mini-sdxl").toAbsolutePath());
        Files.createSymbolicLink(dir.resolve("other-xl-reference"),
                Fixtures.LDM.resolve("mini-sdxl-reference").toAbsolutePath());
        CliRunner.Result other = cli().run("selftest", "--fixtures", dir.toString(), "--model", "other-xl");
        assertThat(other.exitCode()).as(other.out() + other.err()).isZero();
        assertThat(other.out()).contains("SKIP  sdxl lora: needs " + dir.resolve("other-xl-lora.safetensors") + ", "
                + dir.resolve("other-xl-lora-reference.safetensors")).doesNotContain("lora.merged");
    }
}
