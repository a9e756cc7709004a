package dev.sdbot.bot.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link Setting} is the one table of environment variables: each binds its path, and each setting has a row. */
class SettingTableTest {
    @TempDir
    Path dir;

    @Test
    void everyEnvironmentVariableInTheTableSetsItsPath() throws Exception {
        for (Setting setting : Setting.values()) {
            Class<?> type = component(setting.path()).getType();
            String sample = sample(setting, type);
            // the S3 store is only valid with its bucket
            Map<String, String> env = setting == Setting.SDBOT_IMAGE_STORE
                    ? Map.of(setting.name(), sample, Setting.SDBOT_S3_BUCKET.name(), "bucket-7") : Map.of(setting.name(), sample);
            SdbotConfig config = ConfigLoader.load(env, dir.resolve("missing.yaml"));
            Object bound = valueAt(config, setting.path());
            Object expected = type == Path.class ? Path.of(sample) : sample;
            assertThat(type == Path.class ? bound : String.valueOf(bound)).as(setting.name()).isEqualTo(expected);
        }
    }

    @Test
    void everySettingOfTheRecordsHasARow() {
        List<String> leaves = new ArrayList<>();
        collectLeaves(SdbotConfig.class, "", leaves);
        assertThat(Arrays.stream(Setting.values()).map(Setting::path)).containsExactlyInAnyOrderElementsOf(leaves);
        assertThat(Arrays.stream(Setting.values()).map(Setting::flatKey).distinct()).hasSize(Setting.values().length);
    }

    /** A value each setting accepts, distinct from its default. */
    private static String sample(Setting setting, Class<?> type) {
        return switch (setting) {
            case DATABASE_URL -> "jdbc:postgresql://db7:5432/sdbot";
            case SDBOT_PRECISION -> "fp32";
            case SDBOT_ATTENTION -> "plain";
            case SDBOT_SHARDS -> "4-7/16";
            case SDBOT_IMAGE_STORE -> "s3";
            case SDBOT_S3_PATH_STYLE -> "true";
            case SDBOT_VARIATIONS_STRENGTH -> "0.25";
            case SDBOT_CONSOLE_PUBLIC_URL, SDBOT_CONSOLE_OAUTH_URL, SDBOT_DISCORD_API_URL, SDBOT_DISCORD_GATEWAY_URL,
                 SDBOT_S3_ENDPOINT ->
                    "http://host7.example";
            default -> type == int.class || type == long.class ? "7"
                    : type == double.class ? "7.5"
                    : type == Path.class ? "/srv/sdbot-7"
                    : "value-7";
        };
    }

    private static void collectLeaves(Class<?> record, String prefix, List<String> leaves) {
        for (RecordComponent c : record.getRecordComponents()) {
            String path = prefix + yamlName(c);
            if (c.getType().isRecord()) {
                collectLeaves(c.getType(), path + ".", leaves);
            } else {
                leaves.add(path);
            }
        }
    }

    private static RecordComponent component(String path) {
        Class<?> type = SdbotConfig.class;
        RecordComponent found = null;
        for (String key : path.split("\\.")) {
            found = Arrays.stream(type.getRecordComponents()).filter(c -> yamlName(c).equals(key)).findFirst().orElseThrow();
            type = found.getType();
        }
        return found;
    }

    private static Object valueAt(Object config, String path) throws Exception {
        Object value = config;
        for (String key : path.split("\\.")) {
            RecordComponent c = Arrays.stream(value.getClass().getRecordComponents()).filter(rc -> yamlName(rc).equals(key))
                    .findFirst().orElseThrow();
            value = c.getAccessor().invoke(value);
        }
        return value;
    }

    private static String yamlName(RecordComponent c) {
        JsonProperty renamed = c.getAccessor().getAnnotation(JsonProperty.class);
        return renamed != null ? renamed.value() : c.getName();
    }
}
