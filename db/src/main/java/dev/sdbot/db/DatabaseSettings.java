package dev.sdbot.db;

import java.nio.file.Path;

/**
 * Where the database is. Without a URL an embedded PostgreSQL is started (or reused) under
 * {@code dataDir/postgres}.
 *
 * @param url          JDBC URL of an external server, or null for the embedded one
 * @param user         user for the external server
 * @param password     password for the external server (never printed)
 * @param dataDir      sdbot's data directory (the embedded server keeps its files in dataDir/postgres)
 * @param maxPoolSize  connections this process may hold
 */
public record DatabaseSettings(String url, String user, String password, Path dataDir, int maxPoolSize) {

    public DatabaseSettings {
        if (url != null && url.isBlank()) {
            url = null;
        }
        if (url != null && !url.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("DATABASE_URL must be a PostgreSQL JDBC URL (jdbc:postgresql://host:port/db), got '"
                    + redactUrl(url) + "'");
        }
        if (maxPoolSize < 2) {
            throw new IllegalArgumentException("database pool size must be at least 2, got " + maxPoolSize);
        }
    }

    public static DatabaseSettings embedded(Path dataDir) {
        return new DatabaseSettings(null, null, null, dataDir, 10);
    }

    public boolean isEmbedded() {
        return url == null;
    }

    public DatabaseSettings withMaxPoolSize(int size) {
        return new DatabaseSettings(url, user, password, dataDir, size);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + (url == null ? "embedded" : redactUrl(url)) + ", user=" + user
                + ", password=" + (password == null ? "none" : "***") + ", dataDir=" + dataDir + ", maxPoolSize=" + maxPoolSize + "]";
    }

    /** Drops query parameters and user info ({@code user:password@}), which may carry a password. */
    static String redactUrl(String url) {
        int query = url.indexOf('?');
        String base = query < 0 ? url : url.substring(0, query) + "?...";
        return base.replaceFirst("//[^/@]*@", "//***@");
    }
}
