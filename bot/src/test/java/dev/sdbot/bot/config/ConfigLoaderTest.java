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
        assertThat(config.worker().slots()).isEqualTo(5);
        assertThat(config.scheduler().leaseSeconds()).isEqualTo(90);
        assertThat(config.database().dataDir()).isEqualTo(Path.of("/srv/sdbot"));
        assertThat(config.scheduler().maxAttempts()).isEqualTo(3);
        assertThat(config.discord().hasToken()).isTrue();
        assertThat(config.database().settings().isEmbedded()).isTrue();
        assertThat(config.scheduling().lease().toSeconds()).isEqualTo(90);
    }

    @Test
    void secretsNeverAppearInToString() {
        SdbotConfig config = ConfigLoader.load(Map.of("DISCORD_TOKEN", "discord-secret", "DATABASE_URL", "jdbc:postgresql://db/sdbot",
                "DATABASE_USER", "sdbot", "DATABASE_PASSWORD", "db-secret"), dir.resolve("missing.yaml"));
        assertThat(config.toString()).doesNotContain("discord-secret").doesNotContain("db-secret").contains("jdbc:postgresql://db/sdbot");
        assertThat(config.database().settings().isEmbedded()).isFalse();
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
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("DATABASE_URL", "mysql://x"), dir.resolve("x")).database().settings())
                .hasMessageContaining("PostgreSQL JDBC URL");
    }

    @Test
    void theSharedSafetyCheckerComesFromYamlOrEnvironmentAndIsUnsetByDefault() throws Exception {
        Path none = dir.resolve("missing.yaml");
        assertThat(ConfigLoader.load(Map.of(), none).models().safetyChecker()).isNull();
        Path yaml = Files.writeString(dir.resolve("sdbot.yaml"), "safetyChecker: /srv/checker\n");
        assertThat(ConfigLoader.load(Map.of(), yaml).models().safetyChecker()).isEqualTo(Path.of("/srv/checker"));
        assertThat(ConfigLoader.load(Map.of("SDBOT_SAFETY_CHECKER", "/opt/checker"), yaml).models().safetyChecker())
                .isEqualTo(Path.of("/opt/checker"));
    }

    @Test
    void defaultModelIsTheFirstInstalledModelUnlessSet() throws Exception {
        Path models = Files.createDirectories(dir.resolve("models"));
        Path none = dir.resolve("missing.yaml");
        assertThat(ConfigLoader.load(Map.of("SDBOT_MODELS", models.toString()), none).models().defaultModel()).isEqualTo("test-pattern");
        Files.createSymbolicLink(models.resolve("mini-sd15"), Fixtures.LDM.resolve("mini-sd15").toAbsolutePath());
        assertThat(ConfigLoader.load(Map.of("SDBOT_MODELS", models.toString()), none).models().defaultModel()).isEqualTo("mini-sd15");
        assertThat(ConfigLoader.load(Map.of("SDBOT_MODELS", models.toString(), "SDBOT_DEFAULT_MODEL", "other"), none).models().defaultModel())
                .isEqualTo("other");
    }

    @Test
    void theShutdownGraceIsSixSecondsByDefaultAndCannotBeNegative() throws Exception {
        Path none = dir.resolve("missing.yaml");
        assertThat(ConfigLoader.load(Map.of(), none).worker().shutdownGrace()).isEqualTo(java.time.Duration.ofSeconds(6));
        assertThat(ConfigLoader.load(Map.of("SDBOT_SHUTDOWN_GRACE_SECONDS", "30"), none).worker().shutdownGrace().toSeconds()).isEqualTo(30);
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("SDBOT_SHUTDOWN_GRACE_SECONDS", "-1"), none))
                .hasMessageContaining("SDBOT_SHUTDOWN_GRACE_SECONDS").hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("SDBOT_SHUTDOWN_GRACE_SECONDS", "soon"), none))
                .hasMessageContaining("shutdownGraceSeconds");
    }

    @Test
    void anEnvironmentVariableBeatsTheGroupedYamlForANestedSetting() throws Exception {
        Path yaml = Files.writeString(dir.resolve("sdbot.yaml"), """
                worker:
                  slots: 3
                  devices: cuda:0
                http:
                  console:
                    publicUrl: https://console.example/
                """);
        SdbotConfig config = ConfigLoader.load(Map.of("SDBOT_WORKER_SLOTS", "5"), yaml);
        assertThat(config.worker().slots()).isEqualTo(5);
        assertThat(config.worker().deviceList()).containsExactly("cuda:0");
        assertThat(config.worker().heartbeatSeconds()).isEqualTo(5);
        assertThat(config.http().oauth().publicUrl()).isEqualTo("https://console.example");
        assertThat(config.http().oauth().apiUrl()).isEqualTo("https://discord.com/api");
    }

    @Test
    void theFlatAndTheGroupedLayoutsGiveTheSameConfiguration() throws Exception {
        Path flat = Files.writeString(dir.resolve("flat.yaml"), "workerSlots: 3\nconsoleClientId: c1\nmodelCacheGb: 2.5\n");
        Path grouped = Files.writeString(dir.resolve("grouped.yaml"),
                "worker: {slots: 3}\nhttp: {console: {clientId: c1}}\nmodels: {cacheGb: 2.5}\n");
        assertThat(ConfigLoader.load(Map.of(), grouped)).isEqualTo(ConfigLoader.load(Map.of(), flat));
        assertThat(ConfigLoader.load(Map.of(), flat).models().cacheGb()).isEqualTo(2.5);
        Path emptySection = Files.writeString(dir.resolve("empty.yaml"), "worker:\n#  slots: 2\n");
        assertThat(ConfigLoader.load(Map.of(), emptySection).worker().slots()).isEqualTo(1);
    }

    @Test
    void aBadValueNamesTheVariableAndHidesASecret() throws Exception {
        Path yaml = Files.writeString(dir.resolve("sdbot.yaml"), "discord:\n  token: [hunter2-secret]\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), yaml))
                .hasMessageContaining("DISCORD_TOKEN").hasMessageContaining("discord.token")
                .hasMessageNotContaining("hunter2-secret");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("SDBOT_HTTP_PORT", "eighty", "SDBOT_CONSOLE_CLIENT_SECRET", "s3cr3t"),
                dir.resolve("missing.yaml")))
                .hasMessageContaining("SDBOT_HTTP_PORT").hasMessageNotContaining("eighty").hasMessageNotContaining("s3cr3t");
        Path broken = Files.writeString(dir.resolve("broken.yaml"), "discord:\n  token: \"hunter2-secret\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), broken))
                .hasMessageContaining("broken.yaml is not valid YAML near line").hasMessageNotContaining("hunter2-secret");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of("DATABASE_URL", "mysql://u:pw@db/x?password=pw"), dir.resolve("missing.yaml")))
                .hasMessageContaining("DATABASE_URL").hasMessageNotContaining("pw");
    }

    @Test
    void anUnknownNestedKeyIsReportedWithTheKnownOnes() throws Exception {
        Path yaml = Files.writeString(dir.resolve("sdbot.yaml"), "worker:\n  slot: 3\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), yaml))
                .hasMessageContaining("unknown setting 'worker.slot'").hasMessageContaining("slots");
        Path section = Files.writeString(dir.resolve("other.yaml"), "workers:\n  slots: 3\n");
        assertThatThrownBy(() -> ConfigLoader.load(Map.of(), section)).hasMessageContaining("unknown setting 'workers'");
    }

    @Test
    void theDefaultVaeTilingThresholdIsTheEnginesDefault() {
        assertThat(ConfigLoader.load(Map.of(), dir.resolve("missing.yaml")).engine().vaeTileAbovePixels())
                .isEqualTo(dev.sdbot.inference.vae.VaeTiling.DEFAULT.abovePixels());
    }
}
