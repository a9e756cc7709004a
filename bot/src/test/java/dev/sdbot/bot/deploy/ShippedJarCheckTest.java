package dev.sdbot.bot.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * scripts/check-shipped-jar, which .ci/run runs on the real bot/target after the build, on made-up targets: it fails
 * on each kind of test tooling (a fake Discord class, a soak class, a class reading a test hook, the Java-WebSocket
 * library) and passes a clean one.
 */
class ShippedJarCheckTest {
    private static final Path SCRIPT = Path.of("..", "scripts", "check-shipped-jar");

    @TempDir
    Path target;

    private static void jar(Path file, Map<String, String> entries) throws IOException {
        Files.createDirectories(file.getParent());
        try (OutputStream out = Files.newOutputStream(file); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, String> e : entries.entrySet()) {
                zip.putNextEntry(new ZipEntry(e.getKey()));
                zip.write(e.getValue().getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
        }
    }

    private record Result(int exitCode, String output) {
    }

    private Result check() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(SCRIPT.toString(), target.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), output);
    }

    @Test
    void aCleanJarPasses() throws Exception {
        jar(target.resolve("sdbot.jar"), Map.of("dev/sdbot/bot/cli/SdbotCommand.class", "SDBOT_TEST_PATTERN_STEP_MS"));
        jar(target.resolve("lib/sdbot-scheduler-0.1.0-SNAPSHOT.jar"), Map.of("dev/sdbot/scheduler/Job.class", "x"));
        Result result = check();
        assertThat(result.exitCode()).as(result.output()).isZero();
        assertThat(result.output()).contains("no test doubles");
    }

    @Test
    void everyKindOfTestToolingFailsTheCheckByName() throws Exception {
        jar(target.resolve("sdbot.jar"), Map.of(
                "dev/sdbot/bot/cli/SdbotCommand.class", "clean",
                "dev/sdbot/testkit/fake/FakeDiscord.class", "the fake Discord",
                "dev/sdbot/loadtest/Soak.class", "the soak"));
        jar(target.resolve("lib/sdbot-scheduler-0.1.0-SNAPSHOT.jar"),
                Map.of("dev/sdbot/scheduler/Clocks.class", "reads SDBOT_TEST_CLOCK_OFFSET_MS"));
        jar(target.resolve("lib/Java-WebSocket-1.6.0.jar"), Map.of("org/java_websocket/WebSocket.class", "x"));
        Result result = check();
        assertThat(result.exitCode()).isEqualTo(1);
        assertThat(result.output()).contains("dev/sdbot/testkit/fake/FakeDiscord.class", "dev/sdbot/loadtest/Soak.class",
                "Java-WebSocket-1.6.0.jar: a test-only library", "sdbot-scheduler-0.1.0-SNAPSHOT.jar: a class reads a test hook")
                .doesNotContain("SdbotCommand");
    }

    @Test
    void withoutAJarItSaysWhatToBuild() throws Exception {
        Result result = check();
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("sdbot.jar does not exist", "mvn -B -DskipTests package");
    }
}
