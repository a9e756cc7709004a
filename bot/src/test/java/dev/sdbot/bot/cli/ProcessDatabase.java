package dev.sdbot.bot.cli;

import dev.sdbot.db.EmbeddedPostgresServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/** Queries on the embedded database that sdbot child processes ({@code SdbotProcess}) share through the data directory. */
final class ProcessDatabase {
    private ProcessDatabase() {
    }

    /** A single number from the embedded database of {@code dataDir} (the one the processes share). */
    static long queryLong(Path dataDir, String sql, Object... params) throws IOException, SQLException {
        int port = Integer.parseInt(Files.readString(dataDir.resolve("postgres.port")).trim());
        Properties props = new Properties();
        props.setProperty("user", EmbeddedPostgresServer.USER);
        try (Connection c = DriverManager.getConnection(EmbeddedPostgresServer.jdbcUrl(port), props);
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getLong(1);
            }
        }
    }
}
