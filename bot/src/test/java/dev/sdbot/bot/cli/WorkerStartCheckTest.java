package dev.sdbot.bot.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sdbot worker} and {@code sdbot start} refuse to start with a safety checker that cannot run. */
class WorkerStartCheckTest {
    @TempDir
    Path dir;

    @Test
    void aMissingSafetyCheckerFailsAtStartWithAClearErrorBeforeTheDatabaseStarts() {
        CliRunner cli = new CliRunner(Map.of("SDBOT_DATA_DIR", dir.resolve("data").toString(),
                "SDBOT_MODELS", dir.resolve("models").toString(),
                "SDBOT_SAFETY_CHECKER", dir.resolve("checker").toString()), dir.resolve("none.yaml"));
        for (String command : new String[]{"worker", "start"}) {
            CliRunner.Result r = cli.run(command);
            assertThat(r.exitCode()).as(command).isEqualTo(1);
            assertThat(r.err()).as(command).contains("error: SDBOT_SAFETY_CHECKER (safetyChecker) cannot be used: safety checker "
                    + dir.resolve("checker") + ": no such directory");
            assertThat(r.out()).as(command).doesNotContain("running");
        }
        assertThat(dir.resolve("data")).as("no database was started").doesNotExist();
    }
}
