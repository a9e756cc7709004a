package dev.sdbot.db.testing;

import dev.sdbot.db.EmbeddedPostgresServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** An embedded PostgreSQL of its own that a test can stop and start again on the same port and files. */
public final class RestartablePostgres implements AutoCloseable {
    private final Path dir;
    private EmbeddedPostgresServer server;
    private final int port;

    public RestartablePostgres() {
        try {
            dir = Files.createTempDirectory("sdbot-restart-pg");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server = EmbeddedPostgresServer.start(dir.resolve("postgres"), null, 0, false);
        port = server.port();
    }

    public String jdbcUrl() {
        return server.jdbcUrl();
    }

    public synchronized void stop() {
        server.close();
        server = null;
    }

    public synchronized void start() {
        server = EmbeddedPostgresServer.start(dir.resolve("postgres"), null, port, false);
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.close();
        }
        TestPostgres.deleteTree(dir);
    }
}
