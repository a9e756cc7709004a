package dev.sdbot.bot.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import dev.sdbot.inference.pipeline.ModelDirectory;
import dev.sdbot.scheduler.worker.TestPatternGenerator;

import dev.sdbot.inference.vae.VaeTiling;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds {@link SdbotConfig} from defaults, then {@code sdbot.yaml} (in the working directory, or
 * the file named by SDBOT_CONFIG; optional), then environment variables.
 */
public final class ConfigLoader {
    /** Configuration key → environment variable. */
    public static final Map<String, String> ENVIRONMENT = envNames();

    private ConfigLoader() {
    }

    private static Map<String, String> envNames() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("discordToken", "DISCORD_TOKEN");
        env.put("databaseUrl", "DATABASE_URL");
        env.put("databaseUser", "DATABASE_USER");
        env.put("databasePassword", "DATABASE_PASSWORD");
        env.put("databasePoolSize", "SDBOT_DATABASE_POOL_SIZE");
        env.put("dataDir", "SDBOT_DATA_DIR");
        env.put("modelsDir", "SDBOT_MODELS");
        env.put("safetyChecker", "SDBOT_SAFETY_CHECKER");
        env.put("defaultModel", "SDBOT_DEFAULT_MODEL");
        env.put("generator", "SDBOT_GENERATOR");
        env.put("modelCacheGb", "SDBOT_MODEL_CACHE_GB");
        env.put("vaeTileAbovePixels", "SDBOT_VAE_TILE_ABOVE_PIXELS");
        env.put("testPatternStepMillis", "SDBOT_TEST_PATTERN_STEP_MS");
        env.put("discordApiUrl", "SDBOT_DISCORD_API_URL");
        env.put("discordGatewayUrl", "SDBOT_DISCORD_GATEWAY_URL");
        env.put("shards", "SDBOT_SHARDS");
        env.put("workerId", "SDBOT_WORKER_ID");
        env.put("workerDevices", "SDBOT_WORKER_DEVICES");
        env.put("precision", "SDBOT_PRECISION");
        env.put("workerSlots", "SDBOT_WORKER_SLOTS");
        env.put("workerPixelBudget", "SDBOT_WORKER_PIXEL_BUDGET");
        env.put("heartbeatSeconds", "SDBOT_HEARTBEAT_SECONDS");
        env.put("leaseSeconds", "SDBOT_LEASE_SECONDS");
        env.put("dispatchIntervalMillis", "SDBOT_DISPATCH_INTERVAL_MS");
        env.put("maxAttempts", "SDBOT_MAX_ATTEMPTS");
        env.put("quarantineAfter", "SDBOT_QUARANTINE_AFTER");
        env.put("retentionDays", "SDBOT_RETENTION_DAYS");
        env.put("maxRunMinutes", "SDBOT_MAX_RUN_MINUTES");
        env.put("httpPort", "SDBOT_HTTP_PORT");
        env.put("httpBind", "SDBOT_HTTP_BIND");
        env.put("consoleClientId", "SDBOT_CONSOLE_CLIENT_ID");
        env.put("consoleClientSecret", "SDBOT_CONSOLE_CLIENT_SECRET");
        env.put("consolePublicUrl", "SDBOT_CONSOLE_PUBLIC_URL");
        env.put("consoleOAuthUrl", "SDBOT_CONSOLE_OAUTH_URL");
        return Map.copyOf(env);
    }

    static Map<String, Object> defaults() {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("databasePoolSize", 10);
        d.put("dataDir", "./data");
        d.put("modelsDir", "./models");
        d.put("generator", "auto");
        d.put("modelCacheGb", 8.0);
        d.put("testPatternStepMillis", 0);
        d.put("shards", 1);
        d.put("workerDevices", "cpu");
        d.put("precision", "auto");
        d.put("workerSlots", 1);
        d.put("workerPixelBudget", 4L * 1024 * 1024);
        d.put("heartbeatSeconds", 5);
        d.put("leaseSeconds", 60);
        d.put("dispatchIntervalMillis", 2000);
        d.put("maxAttempts", 3);
        d.put("quarantineAfter", 5);
        d.put("retentionDays", 7);
        d.put("maxRunMinutes", 60);
        d.put("vaeTileAbovePixels", VaeTiling.DEFAULT.abovePixels());
        d.put("httpPort", 0);
        d.put("httpBind", "127.0.0.1");
        d.put("consoleOAuthUrl", "https://discord.com/api");
        return d;
    }

    public static SdbotConfig load() {
        return load(System.getenv(), Path.of(System.getenv().getOrDefault("SDBOT_CONFIG", "sdbot.yaml")));
    }

    /** @throws IllegalArgumentException with the offending key or variable named */
    public static SdbotConfig load(Map<String, String> environment, Path yamlFile) {
        Map<String, Object> values = defaults();
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        if (Files.isRegularFile(yamlFile)) {
            try {
                Map<?, ?> fromFile = yaml.readValue(yamlFile.toFile(), Map.class);
                if (fromFile != null) {
                    fromFile.forEach((k, v) -> {
                        if (!ENVIRONMENT.containsKey(String.valueOf(k))) {
                            throw new IllegalArgumentException(yamlFile + ": unknown setting '" + k + "', known: " + ENVIRONMENT.keySet());
                        }
                        values.put(String.valueOf(k), v);
                    });
                }
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read " + yamlFile + ": " + e.getMessage(), e);
            }
        }
        ENVIRONMENT.forEach((key, variable) -> {
            String value = environment.get(variable);
            if (value != null && !value.isEmpty()) {
                values.put(key, value);
            }
        });
        // unset: the first installed model, so a fresh install with weights needs no further setting
        values.computeIfAbsent("defaultModel", k -> new ModelDirectory(Path.of(String.valueOf(values.get("modelsDir"))))
                .models().keySet().stream().sorted().findFirst().orElse(TestPatternGenerator.MODEL));
        try {
            return yaml.convertValue(values, SdbotConfig.class);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid configuration: " + describe(e), e);
        }
    }

    /** Names the setting and its environment variable without echoing values (they may be secrets). */
    private static String describe(IllegalArgumentException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (cause instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException mapping && !mapping.getPath().isEmpty()) {
            String key = mapping.getPath().get(0).getFieldName();
            return "setting '" + key + "' (" + ENVIRONMENT.getOrDefault(key, "?") + ") has a value of the wrong type";
        }
        Throwable root = cause;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return root.getMessage();
    }
}
