package dev.sdbot.bot.config;

import java.util.Arrays;
import java.util.Optional;

/**
 * The one table of sdbot's settings: each environment variable (the constant's name), its path in sdbot.yaml and
 * {@link SdbotConfig}, and the flat key that sdbot.yaml used before the settings were grouped (still read).
 */
public enum Setting {
    DISCORD_TOKEN("discord.token", "discordToken"),
    SDBOT_DISCORD_API_URL("discord.apiUrl", "discordApiUrl"),
    SDBOT_DISCORD_GATEWAY_URL("discord.gatewayUrl", "discordGatewayUrl"),
    SDBOT_SHARDS("discord.shards", "shards"),
    DATABASE_URL("database.url", "databaseUrl"),
    DATABASE_USER("database.user", "databaseUser"),
    DATABASE_PASSWORD("database.password", "databasePassword"),
    SDBOT_DATABASE_POOL_SIZE("database.poolSize", "databasePoolSize"),
    SDBOT_DATA_DIR("database.dataDir", "dataDir"),
    SDBOT_MODELS("models.dir", "modelsDir"),
    SDBOT_SAFETY_CHECKER("models.safetyChecker", "safetyChecker"),
    SDBOT_DEFAULT_MODEL("models.defaultModel", "defaultModel"),
    SDBOT_MODEL_CACHE_GB("models.cacheGb", "modelCacheGb"),
    SDBOT_DEFAULT_UPSCALER("models.defaultUpscaler", "defaultUpscaler"),
    SDBOT_GENERATOR("engine.generator", "generator"),
    SDBOT_PRECISION("engine.precision", "precision"),
    SDBOT_ATTENTION("engine.attention", "attention"),
    SDBOT_VAE_TILE_ABOVE_PIXELS("engine.vaeTileAbovePixels", "vaeTileAbovePixels"),
    SDBOT_TEST_PATTERN_STEP_MS("engine.testPatternStepMillis", "testPatternStepMillis"),
    SDBOT_WORKER_ID("worker.id", "workerId"),
    SDBOT_WORKER_DEVICES("worker.devices", "workerDevices"),
    SDBOT_WORKER_SLOTS("worker.slots", "workerSlots"),
    SDBOT_WORKER_PIXEL_BUDGET("worker.pixelBudget", "workerPixelBudget"),
    SDBOT_HEARTBEAT_SECONDS("worker.heartbeatSeconds", "heartbeatSeconds"),
    SDBOT_SHUTDOWN_GRACE_SECONDS("worker.shutdownGraceSeconds", "shutdownGraceSeconds"),
    SDBOT_LEASE_SECONDS("scheduler.leaseSeconds", "leaseSeconds"),
    SDBOT_DISPATCH_INTERVAL_MS("scheduler.dispatchIntervalMillis", "dispatchIntervalMillis"),
    SDBOT_MAX_ATTEMPTS("scheduler.maxAttempts", "maxAttempts"),
    SDBOT_QUARANTINE_AFTER("scheduler.quarantineAfter", "quarantineAfter"),
    SDBOT_RETENTION_DAYS("scheduler.retentionDays", "retentionDays"),
    SDBOT_JOB_RETENTION_DAYS("scheduler.rowRetention.jobDays", "jobRetentionDays"),
    SDBOT_LEDGER_RETENTION_DAYS("scheduler.rowRetention.ledgerDays", "ledgerRetentionDays"),
    SDBOT_MODERATION_RETENTION_DAYS("scheduler.rowRetention.moderationEventDays", "moderationRetentionDays"),
    SDBOT_MEMBER_TURN_RETENTION_DAYS("scheduler.rowRetention.memberTurnDays", "memberTurnRetentionDays"),
    SDBOT_MAX_RUN_MINUTES("scheduler.maxRunMinutes", "maxRunMinutes"),
    SDBOT_IMAGE_STORE("images.store", "imageStore"),
    SDBOT_IMAGE_DIR("images.dir", "imageDir"),
    SDBOT_S3_ENDPOINT("images.s3.endpoint", "s3Endpoint"),
    SDBOT_S3_BUCKET("images.s3.bucket", "s3Bucket"),
    SDBOT_S3_REGION("images.s3.region", "s3Region"),
    SDBOT_S3_PATH_STYLE("images.s3.pathStyle", "s3PathStyle"),
    SDBOT_HTTP_PORT("http.port", "httpPort"),
    SDBOT_HTTP_BIND("http.bind", "httpBind"),
    SDBOT_CONSOLE_CLIENT_ID("http.console.clientId", "consoleClientId"),
    SDBOT_CONSOLE_CLIENT_SECRET("http.console.clientSecret", "consoleClientSecret"),
    SDBOT_CONSOLE_PUBLIC_URL("http.console.publicUrl", "consolePublicUrl"),
    SDBOT_CONSOLE_OAUTH_URL("http.console.oauthUrl", "consoleOAuthUrl"),
    SDBOT_VARIATIONS_STRENGTH("variations.strength", "variationsStrength");

    private final String path;
    private final String flatKey;

    Setting(String path, String flatKey) {
        this.path = path;
        this.flatKey = flatKey;
    }

    /** Dot-separated: the yaml keys from the top, and the {@link SdbotConfig} accessors. */
    public String path() {
        return path;
    }

    /** The key of the flat sdbot.yaml layout, which older files use. */
    public String flatKey() {
        return flatKey;
    }

    public static Optional<Setting> atPath(String path) {
        return Arrays.stream(values()).filter(s -> s.path.equals(path)).findFirst();
    }

    public static Optional<Setting> withFlatKey(String key) {
        return Arrays.stream(values()).filter(s -> s.flatKey.equals(key)).findFirst();
    }

    /** How error messages name it: variable, path, and the old key. */
    public String describe() {
        return name() + " (" + path + ", " + flatKey + " in a flat sdbot.yaml)";
    }
}
