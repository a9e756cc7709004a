package dev.sdbot.bot.deploy;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/** scripts/gpu-check on a machine without an NVIDIA GPU: one clear line and a non-zero exit, nothing built or run. */
class GpuCheckScriptTest {
    private static final Path SCRIPT = Path.of("..", "scripts", "gpu-check");

    @Test
    void withoutAGpuItSaysSoAndFails() throws IOException, InterruptedException {
        assumeFalse(Files.exists(Path.of("/proc/driver/nvidia/version")), "this machine has a GPU: run the script itself");
        assertThat(Files.isExecutable(SCRIPT)).isTrue();
        Process p = new ProcessBuilder(SCRIPT.toString()).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(out.strip()).isEqualTo("gpu-check: FAIL gpu: no NVIDIA GPU on this machine "
                + "(/proc/driver/nvidia/version does not exist); --dry-run checks the rest");

        Process noKit = new ProcessBuilder(SCRIPT.toString(), "--dry-run", "--kit", "no-such-kit")
                .redirectErrorStream(true).start();
        assertThat(noKit.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(noKit.exitValue()).isEqualTo(2);
        assertThat(new String(noKit.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("gpu-check: FAIL kit: no kit at ").contains("no-such-kit");

        Process bad = new ProcessBuilder(SCRIPT.toString(), "--frobnicate").redirectErrorStream(true).start();
        assertThat(bad.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(bad.exitValue()).isEqualTo(2);
        assertThat(new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .contains("gpu-check: FAIL unknown option --frobnicate");
    }
}
