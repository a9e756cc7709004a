package dev.sdbot.bot.config;

import dev.sdbot.inference.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    @Test
    void environmentBeatsYamlWhichBeatsDefaults() throws Exception {
        Path yaml = dir.resolve("sdbot.yaml");
        Files.writeString(yaml, "workerSlots: 3\nleaseSeconds: 90\ndataDir: /srv/sdbot\n");
        SdbotConfig config = ConfigLoader.load(Map.of("SDBOT_WORKER_SLOTS", "5", "DISCORD_TOKEN", "tok"), yaml);
        assertThat(config.workerSlots()).isEqualTo(5);
        assertThat(config.leaseSeconds()).isEqualTo(90);
        assertThat(config.dataDir()).isEqualTo(Path.of("/srv/sdbot"));
        assertThat(config.maxAttempts()).isEqualTo(3);
        assertThat(config.hasDiscordToken()).isTrue();
        assertThat(config.database().isEmbedded()).isTrue();
        assertThat(config.scheduling().lease().toSeconds()).isEqualTo(90);
    }

    @Test
    void secretsNeverAppearInToString() {
        SdbotConfig config = ConfigLoader.load(Map.of("DISCORD_TOKEN", "discord-secret", "DATABASE_URL", "jdbc:postgresql://db/sdbot",
                "DATABASE_USER", "sdbot", "DATABASE_PASSWORD", "db-secret"), dir.resolve("missing.yaml"));
        assertThat(config.toString()).doesNotContain("discord-secret").doesNotContain("db-secret").contains("jdbc:postgresql://db/sdbot");
        assertThat(config.database().isEmbedded()).isFalse();
    }

    @Test
    void badValuesNameTheSettingWithoutEchoingIt() throws Exception {
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("SDBOT_WORKER_SLOTS", "plenty"), dir.resolve("missing.yaml")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("workerSlots").hasMessageContaining("SDBOT_WORKER_SLOTS").hasMessageNotContaining("plenty");
        Path yaml = dir.resolve("sdbot.yaml");
        Files.writeString(yaml, "workerSlot: 3\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), yaml)).hasMessageContaining("unknown setting 'workerSlot'");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("SDBOT_LEASE_SECONDS", "2", "SDBOT_HEARTBEAT_SECONDS", "5"), dir.resolve("x")))
                .hasMessageContaining("lease (2 s) must be longer than the heartbeat");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("DATABASE_URL", "mysql://x"), dir.resolve("x")).database())
                .hasMessageContaining("PostgreSQL JDBC URL");
    }

    @Test
    void theSharedSafetyCheckerComesFromYamlOrEnvironmentAndIsUnsetByDefault() throws Exception {
        Path none = dir.resolve("missing.yaml");
        assertThat(ConfigLoader.load(Map.of(), none).safetyChecker()).isNull();
        Path yaml = Files.writeString(dir.resolve("sdbot.yaml"), "safetyChecker: /srv/checker\n");
        assertThat(ConfigLoader.load(Map.of(), yaml).safetyChecker()).isEqualTo(Path.of("/srv/checker"));
        assertThat(ConfigLoader.load(Map.of("SDBOT_SAFETY_CHECKER", "/opt/checker"), yaml).safetyChecker())
                .isEqualTo(Path.of("/opt/checker"));
    }

    @Test
    void defaultModelIsTheFirstInstalledModelUnlessSet() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path none = dir.resolve("missing.yaml");
        assertThat(ConfigLoader.load(Map.of("SDBOT_MODELS", models.toString()), none).defaultModel()).isEqualTo("test-pattern");
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        assertThat(ConfigLoader.load(Map.of("SDBOT_MODELS", models.toString()), none).defaultModel()).isEqualTo("mini-sd15");
        assertThat(ConfigLoader.load(Map.of("SDBOT_MODELS", models.toString(), "SDBOT_DEFAULT_MODEL", "other"), none).defaultModel())
                .isEqualTo("other");
    }

    @Test
    void theShutdownGraceIsSixSecondsByDefaultAndCannotBeNegative() throws Exception {
        Path none = dir.resolve("missing.yaml");
        assertThat(ConfigLoader.load(Map.of(), none).shutdownGrace()).isEqualTo(java.time.Duration.ofSeconds(6));
        assertThat(ConfigLoader.load(Map.of("SDBOT_SHUTDOWN_GRACE_SECONDS", "30"), none).shutdownGrace().toSeconds()).isEqualTo(30);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("SDBOT_SHUTDOWN_GRACE_SECONDS", "-1"), none))
                .hasMessageContaining("SDBOT_SHUTDOWN_GRACE_SECONDS").hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("SDBOT_SHUTDOWN_GRACE_SECONDS", "soon"), none))
                .hasMessageContaining("shutdownGraceSeconds");
    }
}
