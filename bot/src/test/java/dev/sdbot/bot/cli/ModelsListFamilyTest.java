package dev.sdbot.bot.cli;

import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code sdbot models list} shows each model's family, SDXL included, whatever the file is called. */
class ModelsListFamilyTest {
    @TempDir
    Path dir;

    @Test
    void sdxlFolderAndSingleFileAreListedAsSdxl() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Files.createSymbolicLink(models.resolve("mini-sdxl"), Fixtures.LDM.resolve("mini-sdxl").toAbsolutePath());
        Files.createSymbolicLink(models.resolve("downloaded.safetensors"),
                Fixtures.LDM.resolve("mini-sdxl.safetensors").toAbsolutePath());
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        CliRunner.Result list = new CliRunner(Map.of("SDBOT_MODELS", models.toString()), dir.resolve("none.yaml"))
                .run("models", "list");
        assertThat(list.exitCode()).as(list.err()).isZero();
        assertThat(list.out()).containsPattern("mini-sdxl\\s+SDXL\\s")
                .containsPattern("downloaded\\s+SDXL\\s")
                .containsPattern("mini-sd15\\s+SD1\\s+.*own");
    }
}
