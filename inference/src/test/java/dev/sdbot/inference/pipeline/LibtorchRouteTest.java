package dev.sdbot.inference.pipeline;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.LibUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

/**
 * The CUDA route without a GPU or network: with the bundled CPU native hidden, DJL must take its download route and
 * find the libtorch of {@code PYTORCH_FLAVOR} in its cache, exactly where it would have downloaded the CUDA build.
 * Here the "download" is pre-seeded with the CPU libtorch this machine already extracted, and flavor {@code cpu}.
 */
class LibtorchRouteTest {
    @Test
    void withTheBundledNativeHiddenDjlLoadsLibtorchFromItsDownloadCache(@TempDir Path cache)
            throws IOException, InterruptedException {
        Engine.getInstance(); // this JVM: the bundled CPU libtorch, extracted into DJL's cache
        Path bundled = Path.of(LibUtils.getLibtorchPath());
        for (String name : List.of("2.7.1-cpu-linux-x86_64", "2.7.1-cpu-precxx11-linux-x86_64")) {
            Path seeded = Files.createDirectories(cache.resolve("pytorch").resolve(name));
            try (Stream<Path> files = Files.list(bundled)) {
                for (Path f : files.toList()) {
                    Files.createSymbolicLink(seeded.resolve(f.getFileName()), f);
                }
            }
        }
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                LibtorchRouteProbe.class.getName()).redirectErrorStream(true);
        pb.environment().put("DJL_CACHE_DIR", cache.toString());
        pb.environment().put("PYTORCH_FLAVOR", "cpu");
        pb.environment().remove("PYTORCH_LIBRARY_PATH");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        // DJL's download folder (VERSION-FLAVOR-CLASSIFIER), not the bundled jar's extraction (2.7.1-<build date>-cpu-...)
        assertThat(out).contains("libtorch=" + cache.resolve("pytorch").resolve("2.7.1-cpu").toAbsolutePath())
                .contains("offline=true") // restored after the load
                .contains("sum=3.0");
    }

    @Test
    void aCudaDeviceWithoutAnNvidiaDriverIsRefusedBeforeAnyDownload() {
        assumeFalse(Files.exists(Path.of("/proc/driver/nvidia/version")));
        assertThatThrownBy(() -> LibtorchRoute.prepare(List.of("cpu", "cuda:1")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("device cpu,cuda:1 asks for CUDA but this machine has no NVIDIA driver")
                .hasMessageContaining("PYTORCH_LIBRARY_PATH");
        LibtorchRoute.prepare(List.of("cpu")); // nothing to do for the CPU
    }
}
