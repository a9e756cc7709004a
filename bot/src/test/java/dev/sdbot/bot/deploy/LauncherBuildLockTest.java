package dev.sdbot.bot.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code ./sdbot} launcher on a checkout whose jar is missing, started twice at once (./sdbot start in one
 * terminal, ./sdbot jobs stats in another): both succeed and Maven runs once. The real script, with a stand-in
 * {@code mvn} that fails when another build runs in the same folder (as Maven did, copying a library) and a stand-in
 * {@code java}. Without the launcher's lock one of the two failed.
 */
class LauncherBuildLockTest {
    private static final Path LAUNCHER = Path.of("..", "sdbot");

    @TempDir
    Path checkout;

    private void write(String file, String text, boolean executable) throws IOException {
        Path path = checkout.resolve(file);
        Files.createDirectories(path.getParent());
        Files.writeString(path, text);
        if (executable) {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minusSeconds(3600))); // sources older than any jar
    }

    @Test
    void twoLaunchesOnAStaleCheckoutBothRunAndBuildOnce() throws Exception {
        Files.copy(LAUNCHER, checkout.resolve("sdbot"));
        write("pom.xml", "<project/>", false);
        write("bot/src/main/java/Main.java", "class Main {}", false);
        write("bin/mvn", """
                #!/usr/bin/env bash
                mkdir build.running 2>/dev/null || { echo "mvn: another build runs in this folder" >&2; exit 1; }
                echo build >> builds.log
                sleep 1
                mkdir -p bot/target && echo jar > bot/target/sdbot.jar
                rmdir build.running
                """, true);
        write("bin/java", "#!/usr/bin/env bash\necho \"java $*\"\n", true);

        List<Process> launches = new ArrayList<>();
        for (String command : List.of("start", "jobs")) {
            ProcessBuilder pb = new ProcessBuilder(checkout.resolve("sdbot").toString(), command).redirectErrorStream(true);
            pb.environment().put("PATH", checkout.resolve("bin") + ":" + System.getenv("PATH"));
            launches.add(pb.start());
        }
        for (Process launch : launches) {
            String output = new String(launch.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(launch.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(launch.exitValue()).as(output).isZero();
            assertThat(output).containsPattern("java .*-jar bot/target/sdbot.jar (start|jobs)");
        }
        assertThat(Files.readAllLines(checkout.resolve("builds.log"))).as("Maven runs").hasSize(1);
    }
}
