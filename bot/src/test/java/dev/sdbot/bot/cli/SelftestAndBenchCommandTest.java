package dev.sdbot.bot.cli;

import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SelftestAndBenchCommandTest {
    /** The committed cases made from A1111's own parser (inference/src/test/resources/prompt-schedules). */
    static final Path SCHEDULE_CASES = Path.of("../inference/src/test/resources/prompt-schedules/a1111-schedules.json");

    @TempDir
    Path dir;

    private CliRunner cli() {
        return new CliRunner(Map.of(), dir.resolve("none.yaml"));
    }

    /** Every check the selftest runs is covered in-process by SelfTestTest; here: the CLI's lines, filters and exit. */
    @Test
    void selftestPrintsOneLinePerCheckOfTheChosenGroups() {
        CliRunner.Result r = cli().run("selftest", "--fixtures", Fixtures.LDM.toString(), "--model", "mini-sd21v",
                "--schedule-cases", SCHEDULE_CASES.toString(),
                "--only", "unet,samplers,prompt syntax,long prompt,schedule cases,inpaint9,lora,attention",
                "--skip", "lora from prompt");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("PASS  schedule case 1/(\\d+): \"test\" at 1 steps")
                .contains("PASS  schedule case 1000/").doesNotContain("FAIL  schedule case");
        assertThat(r.out()).containsPattern("PASS  unet\\.out \\(folder\\)  rel=\\S+ tol=1e-04")
                .contains("PASS  unet.out (single file)").contains("SKIP  inpaint9").contains("SKIP  lora: needs")
                .contains("SKIP  lora from prompt: --skip")
                .contains("PASS  prompt syntax: 31/31 A1111 cases parsed exactly")
                .contains("PASS  long prompt: chunk 2 of 2 = its 25 tokens encoded alone")
                .contains("PASS  sampler dpmpp_sde_karras (DPM++ SDE Karras").contains("PASS  sampler unipc (UniPC")
                .containsPattern("PASS  attention: fused sdpa = plain, clip causal attention  rel=\\S+ tol=5e-05")
                .containsPattern("\\d+ passed, 0 failed, 4 skipped");
        // groups outside --only print nothing and do not run
        assertThat(r.out()).doesNotContain("vae").doesNotContain("txt2img").doesNotContain("controlnet")
                .doesNotContain("float16");
    }

    @Test
    void promptCasesComeFromTheGivenFileAndAWrongOneFails() throws IOException {
        Path schedules = dir.resolve("schedules.json");
        Files.writeString(schedules, "[{\"prompt\": \"[a:b:1]\", \"steps\": 2, \"schedule\": [[1, \"a\"], [2, \"b\"]]},"
                + " {\"prompt\": \"[a|b]\", \"steps\": 1, \"schedule\": [[1, \"b\"]]}]");
        Path cases = dir.resolve("cases.json");
        Files.writeString(cases, "[{\"prompt\": \"(a:1.5)\", \"parsed\": [[\"a\", 1.5]]},"
                + " {\"prompt\": \"[b]\", \"parsed\": [[\"b\", 1.1]]}]");
        CliRunner.Result r = cli().run("selftest", "--fixtures", Fixtures.LDM.toString(), "--model", "mini-sd21v",
                "--prompt-cases", cases.toString(), "--schedule-cases", schedules.toString(),
                "--only", "prompt syntax", "--only", "schedule cases");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("PASS  schedule case 1/2: \"[a:b:1]\" at 2 steps")
                .contains("FAIL  schedule case 2/2: \"[a|b]\" at 1 steps gave [[1,\"a\"]], A1111 [[1,\"b\"]]");
        assertThat(r.out()).contains("FAIL  prompt syntax: 1/2 A1111 cases parsed exactly, first wrong: [b]")
                .contains("1 passed, 2 failed, 0 skipped");
        CliRunner.Result missing = cli().run("selftest", "--fixtures", Fixtures.LDM.toString(), "--model", "mini-sd21v",
                "--prompt-cases", dir.resolve("none.json").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("--prompt-cases").contains("is not a file");
    }

    @Test
    void selftestFailsWhenTheModelDoesNotMatchItsReference() throws IOException {
        Files.createSymbolicLink(dir.resolve("wrong-reference"), Fixtures.LDM.resolve("mini-sd21v-reference").toAbsolutePath());
        Files.createSymbolicLink(dir.resolve("wrong"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        CliRunner.Result r = cli().run("selftest", "--fixtures", dir.toString(), "--model", "wrong", "--only", "unet");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.out()).contains("FAIL  ").containsPattern("\\d+ passed, [1-9]\\d* failed");

        CliRunner.Result missing = cli().run("selftest", "--fixtures", dir.toString(), "--model", "absent");
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err().strip()).startsWith("error: no reference outputs").doesNotContain("Exception");
    }

    @Test
    void benchRejectsBadOptionsClearly() {
        CliRunner.Result arch = cli().run("bench", "--arch", "sd3");
        assertThat(arch.exitCode()).isEqualTo(1);
        assertThat(arch.err().strip()).isEqualTo("error: unknown architecture 'sd3': expected sd15, sd21 or sdxl");
        CliRunner.Result size = cli().run("bench", "--width", "100");
        assertThat(size.err()).startsWith("error: width and height must be positive multiples of 64");
        CliRunner.Result cuda = cli().run("bench", "--device", "cuda:1");
        assertThat(cuda.exitCode()).isEqualTo(1);
        assertThat(cuda.err()).contains("error: device cuda:1 asks for CUDA but this machine has no NVIDIA driver");
        CliRunner.Result bf16 = cli().run("bench", "--precision", "bf16");
        assertThat(bf16.exitCode()).isEqualTo(1);
        assertThat(bf16.err()).contains("error: precision bf16 is not supported by this build: DJL 0.36's PyTorch "
                + "binding has no bfloat16 dtype");
        CliRunner.Result fp16 = cli().run("bench", "--precision", "fp16");
        assertThat(fp16.err()).contains("error: precision fp16 is not offered on the CPU");
        CliRunner.Result unknown = cli().run("bench", "--precision", "half");
        assertThat(unknown.err()).contains("error: unknown precision 'half': expected one of auto, fp32, fp16, bf16");
        CliRunner.Result attention = cli().run("bench", "--attention", "flash");
        assertThat(attention.exitCode()).isEqualTo(1);
        assertThat(attention.err()).contains("error: attention must be sdpa or plain, got 'flash'");
    }

    @Test
    void selftestChecksFp16ParityAndSaysWhyBf16IsSkipped() {
        CliRunner.Result r = cli().run("selftest", "--fixtures", Fixtures.LDM.toString(), "--model", "mini-sd15",
                "--only", "fp16 parity,bf16 parity");
        assertThat(r.exitCode()).as(r.out() + r.err()).isZero();
        assertThat(r.out()).containsPattern("PASS  text\\.hidden mini-sd15 float16 on cpu\\(\\)  rel=\\S+ tol=2e-02")
                .contains("PASS  unet.out mini-sd15 float16 on cpu()")
                .contains("PASS  vae.decode.out (vae in float32) mini-sd15 float16 on cpu()")
                .contains("SKIP  bf16 parity: precision bf16 is not supported by this build");
        CliRunner.Result fp32 = cli().run("selftest", "--fixtures", Fixtures.LDM.toString(), "--model", "mini-sd21v",
                "--precision", "fp32", "--only", "fp16 parity,half precision");
        assertThat(fp32.exitCode()).isZero();
        assertThat(fp32.out()).contains("SKIP  half precision: --precision fp32").doesNotContain("float16");
        CliRunner.Result cuda = cli().run("selftest", "--fixtures", Fixtures.LDM.toString(), "--model", "mini-sd15",
                "--device", "cuda:0");
        assertThat(cuda.exitCode()).isEqualTo(1);
        assertThat(cuda.err()).contains("has no NVIDIA driver").doesNotContain("PASS");
    }

    @Test
    void leakCheckModeReportsResidentMemory() {
        CliRunner.Result r = cli().run("bench", "--leak-check", "--model", Fixtures.LDM.resolve("mini-sd15").toString(),
                "--generations", "10", "--width", "64", "--height", "64");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("10 generations \\(64x64, 2 steps\\) \\+ \\d+ failed bad requests: resident");
    }
}
