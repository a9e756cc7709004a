package dev.sdbot.db;

import com.zaxxer.hikari.HikariDataSource;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;

import static org.assertj.core.api.Assertions.assertThat;

/** Every pooled connection carries the timeouts that end a frozen or vanished peer's session. */
@ExtendWith(EmbeddedPostgresExtension.class)
class ConnectionTimeoutsTest {

    @Test
    void aPooledSessionHasTheServerSideTimeoutsAndKeepalives(TestDatabase db) throws Exception {
        try (HikariDataSource pool = Database.pool(db.jdbcUrl(), db.user(), null, 2);
             Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            assertThat(show(s, "idle_in_transaction_session_timeout")).isEqualTo("30s");
            assertThat(show(s, "tcp_keepalives_idle")).isEqualTo("15");
            assertThat(show(s, "tcp_keepalives_interval")).isEqualTo("5");
            assertThat(show(s, "tcp_keepalives_count")).isEqualTo("3");
            assertThat(show(s, "client_connection_check_interval")).isEqualTo("5s");
            assertThat(pool.getDataSourceProperties()).containsEntry("tcpKeepAlive", "true").containsEntry("socketTimeout", "600");
        }
    }

    private static String show(Statement s, String setting) throws Exception {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
