package dev.sdbot.bot.config;

import dev.sdbot.db.DatabaseSettings;

import java.nio.file.Path;

/**
 * The database ({@code database:} in sdbot.yaml): an external PostgreSQL at {@code url}, or without it the embedded one
 * under {@code dataDir/postgres}. {@code dataDir} also holds the port and admin-link files. {@code password} is a
 * secret: never in {@link #toString()}.
 */
public record DatabaseConfig(String url, String user, String password, int poolSize, Path dataDir) {

    public DatabaseConfig {
        settings(url, user, password, poolSize, dataDir); // a bad URL or pool size fails when the configuration loads
    }

    public DatabaseSettings settings() {
        return settings(url, user, password, poolSize, dataDir);
    }

    private static DatabaseSettings settings(String url, String user, String password, int poolSize, Path dataDir) {
        return new DatabaseSettings(url, user, password, dataDir, poolSize);
    }

    @Override
    public String toString() {
        return settings().toString();
    }
}
