package dev.sdbot.db;

import dev.sdbot.db.testing.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedDatabaseTest {
    private final Path dataDir = createTemp();

    @AfterEach
    void cleanUp() {
        TestPostgres.deleteTree(dataDir);
    }

    @Test
    void embeddedDataSurvivesARestartAndASecondProcessAttachesToTheRunningServer() throws Exception {
        try (Database db = Database.open(DatabaseSettings.embedded(dataDir))) {
            assertThat(Files.readString(dataDir.resolve("postgres.port")).trim()).isNotEmpty();
            try (Database attached = Database.open(DatabaseSettings.embedded(dataDir))) {
                assertThat(attached.describe()).contains("shared with a running sdbot");
                execute(attached, "INSERT INTO guild_settings (guild_id, updated_at) VALUES (42, now())");
            }
            // closing the attached one must not stop the server the first one owns
            assertThat(count(db, "SELECT count(*) FROM guild_settings")).isEqualTo(1);
        }
        assertThat(dataDir.resolve("postgres.port")).doesNotExist();
        try (Database reopened = Database.open(DatabaseSettings.embedded(dataDir))) {
            assertThat(count(reopened, "SELECT count(*) FROM guild_settings WHERE guild_id = 42")).isEqualTo(1);
            assertThat(reopened.migrate()).as("nothing left to migrate").isZero();
            assertThat(count(reopened, "SELECT count(*) FROM qrtz_locks WHERE sched_name = 'sdbot'")).isEqualTo(2);
        }
    }

    @Test
    void rejectsANonPostgresUrlWithoutPrintingItsPassword() {
        assertThatThrownBy(() -> new DatabaseSettings("jdbc:mysql://h/db?password=hunter2", "u", "p", dataDir, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("PostgreSQL JDBC URL")
                .hasMessageNotContaining("hunter2");
        assertThat(new DatabaseSettings("jdbc:postgresql://h/db", "u", "hunter2", dataDir, 5).toString())
                .doesNotContain("hunter2");
    }

    private static void execute(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static long count(Database db, String sql) throws Exception {
        try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Path createTemp() {
        try {
            return Files.createTempDirectory("sdbot-data");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
