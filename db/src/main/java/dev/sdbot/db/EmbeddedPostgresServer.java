package dev.sdbot.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * The embedded PostgreSQL whose files live in {@code dataDir/postgres} and survive restarts.
 * The process that starts it records the port in {@code dataDir/postgres.port}; other sdbot
 * processes with the same data directory (e.g. {@code sdbot jobs list} next to {@code sdbot start})
 * connect to that server instead of starting a second one.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private final EmbeddedPostgres postgres; // null when attached to a server another process owns
    private final Path portFile;
    private final int port;

    private EmbeddedPostgresServer(EmbeddedPostgres postgres, Path portFile, int port) {
        this.postgres = postgres;
        this.portFile = portFile;
        this.port = port;
    }

    /** Connects to the server already running on this data directory, or starts it. */
    public static EmbeddedPostgresServer startOrAttach(Path dataDir) {
        Path portFile = dataDir.resolve("postgres.port");
        Integer running = runningPort(portFile);
        if (running != null) {
            log.info("Using the embedded PostgreSQL already running on port {} for {}", running, dataDir);
            return new EmbeddedPostgresServer(null, portFile, running);
        }
        return start(dataDir.resolve("postgres"), portFile, 0, true);
    }

    /**
     * Starts a server on the given data directory (port 0 = any free port) and owns it. {@code durable}
     * restores PostgreSQL's synchronous commit, which zonky turns off: a job acknowledged to a member must
     * survive a power cut. Throw-away test databases skip it.
     */
    public static EmbeddedPostgresServer start(Path pgDataDir, Path portFile, int port, boolean durable) {
        try {
            Files.createDirectories(pgDataDir);
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(pgDataDir)
                    .setCleanDataDirectory(false) // the queue must survive restarts
                    .setServerConfig("max_connections", "300")
                    // the job queue's tables are vacuumed after a fixed number of changes (V5); look for them often
                    .setServerConfig("autovacuum_naptime", "2s")
                    .setServerConfig("synchronous_commit", durable ? "on" : "off");
            if (System.getProperty("sdbot.pg.preload") != null) { // diagnostics: -Dsdbot.pg.preload=pg_stat_statements
                builder.setServerConfig("shared_preload_libraries", System.getProperty("sdbot.pg.preload"));
            }
            if (port > 0) {
                builder.setPort(port);
            }
            EmbeddedPostgres postgres = builder.start();
            if (portFile != null) {
                Files.writeString(portFile, Integer.toString(postgres.getPort()), StandardCharsets.US_ASCII);
            }
            log.info("Started embedded PostgreSQL on port {} with data in {}", postgres.getPort(), pgDataDir);
            return new EmbeddedPostgresServer(postgres, portFile, postgres.getPort());
        } catch (IOException e) {
            throw new UncheckedIOException("could not start the embedded PostgreSQL in " + pgDataDir + ": " + e.getMessage(), e);
        }
    }

    private static Integer runningPort(Path portFile) {
        if (!Files.isRegularFile(portFile)) {
            return null;
        }
        try {
            int port = Integer.parseInt(Files.readString(portFile, StandardCharsets.US_ASCII).trim());
            Properties props = new Properties();
            props.setProperty("user", USER);
            props.setProperty("connectTimeout", "2");
            try (Connection ignored = DriverManager.getConnection(jdbcUrl(port), props)) {
                return port;
            }
        } catch (IOException | NumberFormatException | SQLException e) {
            log.debug("No embedded PostgreSQL answers for {}: {}", portFile, e.getMessage());
            return null;
        }
    }

    public static String jdbcUrl(int port) {
        return "jdbc:postgresql://localhost:" + port + "/" + DATABASE;
    }

    public String jdbcUrl() {
        return jdbcUrl(port);
    }

    public int port() {
        return port;
    }

    public boolean ownsServer() {
        return postgres != null;
    }

    @Override
    public void close() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
            if (portFile != null) {
                Files.deleteIfExists(portFile);
            }
            log.info("Stopped embedded PostgreSQL on port {}", port);
        } catch (IOException e) {
            throw new UncheckedIOException("could not stop the embedded PostgreSQL: " + e.getMessage(), e);
        }
    }
}
