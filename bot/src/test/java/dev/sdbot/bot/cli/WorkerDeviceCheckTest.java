package dev.sdbot.bot.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code sdbot worker} checks its devices and precision at start, before the database starts: on this machine (no
 * NVIDIA driver) a CUDA device is refused with the reason instead of silently running on the CPU.
 */
class WorkerDeviceCheckTest {
    @TempDir
    Path dir;

    private CliRunner.Result worker(Map<String, String> settings) {
        Map<String, String> env = new java.util.HashMap<>(settings);
        env.put("SDBOT_DATA_DIR", dir.resolve("data").toString());
        env.put("SDBOT_MODELS", dir.resolve("models").toString());
        return new CliRunner(env, dir.resolve("none.yaml")).run("worker");
    }

    @Test
    void aCudaWorkerWithoutAnNvidiaDriverFailsAtStart() {
        CliRunner.Result r = worker(Map.of("SDBOT_WORKER_DEVICES", "cuda:0"));
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("error: SDBOT_WORKER_DEVICES (workerDevices): device cuda:0 asks for CUDA but this "
                + "machine has no NVIDIA driver (/proc/driver/nvidia/version does not exist)")
                .contains("PYTORCH_LIBRARY_PATH");
        assertThat(dir.resolve("data")).as("no database was started").doesNotExist();
    }

    @Test
    void precisionsThatCannotRunHereAreRefusedAtStart() {
        CliRunner.Result bf16 = worker(Map.of("SDBOT_PRECISION", "bf16"));
        assertThat(bf16.exitCode()).isEqualTo(1);
        assertThat(bf16.err()).contains("error: SDBOT_PRECISION (precision) on cpu(): precision bf16 is not supported");
        CliRunner.Result fp16 = worker(Map.of("SDBOT_PRECISION", "fp16"));
        assertThat(fp16.err()).contains("error: SDBOT_PRECISION (precision) on cpu(): precision fp16 is not offered on the CPU");
        CliRunner.Result unknown = worker(Map.of("SDBOT_PRECISION", "fp8"));
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.err()).contains("SDBOT_PRECISION (precision): unknown precision 'fp8'");
        CliRunner.Result attention = worker(Map.of("SDBOT_ATTENTION", "flash"));
        assertThat(attention.exitCode()).isEqualTo(1);
        assertThat(attention.err()).contains("SDBOT_ATTENTION (attention): attention must be sdpa or plain, got 'flash'");
        CliRunner.Result twice = worker(Map.of("SDBOT_WORKER_DEVICES", "cpu, cpu"));
        assertThat(twice.err()).contains("names a device twice");
        assertThat(dir.resolve("data")).doesNotExist();
    }
}
