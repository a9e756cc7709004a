package dev.sdbot.loadtest;

import dev.sdbot.db.Database;
import dev.sdbot.db.DatabaseSettings;
import dev.sdbot.db.EmbeddedPostgresServer;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** The soak's own PostgreSQL (the embedded binaries), which it can stop and start again on the same files and port. */
final class SoakDatabase implements AutoCloseable {
    private final Path files;
    private final int port;
    private EmbeddedPostgresServer server;

    private SoakDatabase(Path files, EmbeddedPostgresServer server) {
        this.files = files;
        this.server = server;
        this.port = server.port();
    }

    static SoakDatabase start(Path files) {
        return new SoakDatabase(files, EmbeddedPostgresServer.start(files, null, 0, true));
    }

    String jdbcUrl() {
        return EmbeddedPostgresServer.jdbcUrl(port);
    }

    /** Migrates it before the sdbot processes start (they would all race to). */
    void migrate() {
        Database.open(new DatabaseSettings(jdbcUrl(), EmbeddedPostgresServer.USER, null, files, 2)).close();
    }

    /** A plain connection (no pool: the soak's own queries must survive the database's restart). */
    Connection connect() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", EmbeddedPostgresServer.USER);
        props.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(jdbcUrl(), props);
    }

    synchronized void stop() {
        server.close();
        server = null;
    }

    /** Starts the server again on the same data directory and port. */
    synchronized void restart() {
        server = EmbeddedPostgresServer.start(files, null, port, true);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            stop();
        }
    }
}
