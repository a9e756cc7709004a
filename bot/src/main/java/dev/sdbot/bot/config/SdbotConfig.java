package dev.sdbot.bot.config;

import dev.sdbot.scheduler.SchedulerSettings;

/**
 * sdbot's configuration, one record per concern: defaults < sdbot.yaml < environment variables (see {@link ConfigLoader};
 * {@link Setting} maps each environment variable to its path). Secrets (Discord token, database password, console
 * OAuth client secret) never appear in {@link #toString()}.
 */
public record SdbotConfig(DiscordConfig discord, DatabaseConfig database, ModelsConfig models, EngineConfig engine,
                          WorkerConfig worker, SchedulerConfig scheduler, HttpSettings http, ImageStoreConfig images,
                          VariationsConfig variations) {

    public SdbotConfig {
        images = images == null ? new ImageStoreConfig(null, null, null) : images;
        variations = variations == null ? new VariationsConfig(VariationsConfig.DEFAULT_STRENGTH) : variations;
        if (worker.heartbeatSeconds() < 1 || scheduler.leaseSeconds() <= worker.heartbeatSeconds()) {
            throw new IllegalArgumentException("the lease (" + scheduler.leaseSeconds() + " s) must be longer than the heartbeat ("
                    + worker.heartbeatSeconds() + " s, at least 1)");
        }
    }

    /** The scheduler's settings; a worker's timeout follows from the heartbeat. */
    public SchedulerSettings scheduling() {
        return scheduler.settings(worker.heartbeat());
    }
}
