package dev.sdbot.bot.config;

import dev.sdbot.db.DatabaseSettings;
import dev.sdbot.inference.pipeline.Precision;
import dev.sdbot.scheduler.SchedulerSettings;
import dev.sdbot.scheduler.worker.WorkerSettings;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * sdbot's configuration: defaults < sdbot.yaml < environment variables (see {@link ConfigLoader}).
 * Secrets (Discord token, database password, console OAuth client secret) never appear in {@link #toString()}.
 *
 * <p>{@code safetyChecker}: the safety checker folder for models without their own; null means
 * {@code <modelsDir>/safety-checker} when that exists.
 */
public record SdbotConfig(
        String discordToken,
        String databaseUrl,
        String databaseUser,
        String databasePassword,
        int databasePoolSize,
        Path dataDir,
        Path modelsDir,
        Path safetyChecker,
        String defaultModel,
        String generator,
        double modelCacheGb,
        int testPatternStepMillis,
        String discordApiUrl,
        String discordGatewayUrl,
        int shards,
        String workerId,
        String workerDevices,
        String precision,
        int workerSlots,
        long workerPixelBudget,
        int heartbeatSeconds,
        int leaseSeconds,
        int dispatchIntervalMillis,
        int maxAttempts,
        int quarantineAfter,
        int retentionDays,
        int maxRunMinutes,
        long vaeTileAbovePixels,
        int httpPort,
        String httpBind,
        String consoleClientId,
        String consoleClientSecret,
        String consolePublicUrl,
        String consoleOAuthUrl,
        int shutdownGraceSeconds) {

    public SdbotConfig {
        if (vaeTileAbovePixels < 0) {
            throw new IllegalArgumentException("the VAE tiling threshold (SDBOT_VAE_TILE_ABOVE_PIXELS) must be >= 0, got "
                    + vaeTileAbovePixels);
        }
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1, got " + shards);
        }
        if (heartbeatSeconds < 1 || leaseSeconds <= heartbeatSeconds) {
            throw new IllegalArgumentException("the lease (" + leaseSeconds + " s) must be longer than the heartbeat ("
                    + heartbeatSeconds + " s, at least 1)");
        }
        if (!(modelCacheGb > 0)) {
            throw new IllegalArgumentException("the model cache (SDBOT_MODEL_CACHE_GB) must be positive, got " + modelCacheGb);
        }
        if (maxRunMinutes < 1) {
            throw new IllegalArgumentException("the maximum run time (SDBOT_MAX_RUN_MINUTES) must be at least 1 minute, got "
                    + maxRunMinutes);
        }
        if (shutdownGraceSeconds < 0) {
            throw new IllegalArgumentException("the shutdown grace (SDBOT_SHUTDOWN_GRACE_SECONDS) cannot be negative, got "
                    + shutdownGraceSeconds);
        }
        if (testPatternStepMillis < 0) {
            throw new IllegalArgumentException("test pattern step delay cannot be negative");
        }
        // a bad port or console URL fails when the configuration loads, naming the setting
        new HttpSettings(httpPort, httpBind, new HttpSettings.OAuth(consoleClientId, consoleClientSecret, consolePublicUrl,
                consoleOAuthUrl));
        try {
            Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            // no cause: the loader reports the innermost message
            throw new IllegalArgumentException("SDBOT_PRECISION (precision): " + e.getMessage());
        }
    }

    public boolean hasDiscordToken() {
        return discordToken != null && !discordToken.isBlank();
    }

    public DatabaseSettings database() {
        return new DatabaseSettings(databaseUrl, databaseUser, databasePassword, dataDir, databasePoolSize);
    }

    public SchedulerSettings scheduling() {
        return new SchedulerSettings(Duration.ofSeconds(leaseSeconds), Duration.ofMillis(dispatchIntervalMillis), maxAttempts,
                Duration.ofMinutes(maxRunMinutes), Duration.ofSeconds(Math.max(3L * heartbeatSeconds, 10)),
                quarantineAfter, Duration.ofDays(retentionDays));
    }

    /** How long running jobs may take to finish after SIGTERM before they are handed back to the queue. */
    public Duration shutdownGrace() {
        return Duration.ofSeconds(shutdownGraceSeconds);
    }

    /** Every device of {@code workerDevices} (comma-separated): the worker runs one engine on each. */
    public List<String> engineDevices() {
        String devices = workerDevices == null || workerDevices.isBlank() ? "cpu" : workerDevices;
        return Arrays.stream(devices.split(",")).map(String::trim).filter(d -> !d.isEmpty()).toList();
    }

    /** The engine's precision (SDBOT_PRECISION). */
    public Precision enginePrecision() {
        return Precision.parse(precision);
    }

    /** The process's HTTP server (health, readiness, metrics, admin console); validates the port. */
    public HttpSettings http() {
        return new HttpSettings(httpPort, httpBind, new HttpSettings.OAuth(consoleClientId, consoleClientSecret,
                consolePublicUrl, consoleOAuthUrl));
    }

    public WorkerSettings worker() {
        return new WorkerSettings(workerId == null || workerId.isBlank() ? WorkerSettings.defaultWorkerId() : workerId,
                workerDevices, workerSlots, workerPixelBudget, Duration.ofSeconds(heartbeatSeconds), Duration.ofSeconds(2));
    }

    @Override
    public String toString() {
        return "SdbotConfig[discordToken=" + (hasDiscordToken() ? "***" : "none")
                + ", database=" + database()
                + ", modelsDir=" + modelsDir + ", safetyChecker=" + safetyChecker + ", defaultModel=" + defaultModel + ", generator=" + generator + ", modelCacheGb=" + modelCacheGb
                + ", discordApiUrl=" + discordApiUrl + ", discordGatewayUrl=" + discordGatewayUrl + ", shards=" + shards
                + ", workerId=" + workerId + ", workerDevices=" + workerDevices + ", precision=" + precision
                + ", workerSlots=" + workerSlots + ", workerPixelBudget=" + workerPixelBudget
                + ", heartbeatSeconds=" + heartbeatSeconds + ", leaseSeconds=" + leaseSeconds
                + ", dispatchIntervalMillis=" + dispatchIntervalMillis + ", maxAttempts=" + maxAttempts
                + ", quarantineAfter=" + quarantineAfter + ", retentionDays=" + retentionDays
                + ", maxRunMinutes=" + maxRunMinutes + ", vaeTileAbovePixels=" + vaeTileAbovePixels
                + ", httpPort=" + httpPort + ", httpBind=" + httpBind + ", consoleClientId=" + consoleClientId
                + ", consoleClientSecret=" + (consoleClientSecret == null || consoleClientSecret.isBlank() ? "none" : "***")
                + ", consolePublicUrl=" + consolePublicUrl + ", consoleOAuthUrl=" + consoleOAuthUrl
                + ", shutdownGraceSeconds=" + shutdownGraceSeconds + "]";
    }
}
