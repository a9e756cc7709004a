package dev.sdbot.bot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.sdbot.bot.config.ConfigLoader;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml parses and its GPU worker really asks for the GPU (no docker engine here to run
 * {@code docker compose config}): the NVIDIA device reservation, a CUDA device for the engine, the CUDA libtorch's
 * flavor and a volume for DJL's cache, and no {@code ai.djl.offline} that would forbid the one libtorch fetch.
 */
class DockerComposeTest {
    private static final Path COMPOSE = Path.of("..", "docker-compose.yml");

    @Test
    void theGpuWorkerReservesAnNvidiaGpuAndRunsTheEngineOnIt() throws IOException {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile());
        JsonNode worker = compose.path("services").path("worker");
        JsonNode env = worker.path("environment");
        assertThat(env.path("SDBOT_WORKER_DEVICES").asText()).isEqualTo("cuda:0");
        assertThat(env.path("PYTORCH_FLAVOR").asText()).isEqualTo("cu128");
        String cache = env.path("DJL_CACHE_DIR").asText();
        assertThat(cache).startsWith("/");
        // the fetched libtorch survives a re-created container: the cache directory is a named volume
        assertThat(worker.path("volumes").toString()).contains("djl-cache:" + cache);
        assertThat(compose.path("volumes").has("djl-cache")).isTrue();
        assertThat(worker.path("command").toString()).contains("worker");
        assertThat(worker.path("build").path("target").asText()).isEqualTo("worker");
        JsonNode device = worker.path("deploy").path("resources").path("reservations").path("devices").get(0);
        assertThat(device.path("driver").asText()).isEqualTo("nvidia");
        assertThat(device.path("capabilities").toString()).contains("gpu");
    }

    @Test
    void theWorkersEnvironmentIsAValidConfiguration() throws IOException {
        JsonNode env = new ObjectMapper(new YAMLFactory()).readTree(COMPOSE.toFile())
                .path("services").path("worker").path("environment");
        Map<String, String> variables = new java.util.HashMap<>();
        env.fields().forEachRemaining(e -> variables.put(e.getKey(), e.getValue().asText()));
        variables.remove("<<"); // the merged anchor: DATABASE_URL and friends
        var config = ConfigLoader.load(variables, Path.of("absent.yaml"));
        assertThat(config.worker().deviceList()).containsExactly("cuda:0");
        assertThat(config.engine().parsedPrecision().label()).isEqualTo("auto");
    }
}
