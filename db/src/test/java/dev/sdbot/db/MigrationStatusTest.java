package dev.sdbot.db;

import dev.sdbot.db.testing.RestartablePostgres;
import org.junit.jupiter.api.Test;

import javax.sql.DataSource;

import static org.assertj.core.api.Assertions.assertThat;

/** A readiness probe of the schema costs nothing once the schema was up to date, even with the database gone. */
class MigrationStatusTest {

    @Test
    void oncePendingIsZeroAProbeNoLongerAsksFlywayEvenWhenTheDatabaseIsDown() {
        try (RestartablePostgres postgres = new RestartablePostgres();
             var pool = Database.pool(postgres.jdbcUrl(), EmbeddedPostgresServer.USER, null, 2)) {
            DataSource dataSource = pool;
            MigrationStatus status = new MigrationStatus(dataSource);
            assertThat(status.problem()).isEqualTo(Migrations.pending(dataSource) + " migration(s) not applied");
            Migrations.migrate(dataSource);
            assertThat(status.problem()).isNull();

            postgres.stop();
            long started = System.nanoTime();
            assertThat(status.problem()).isNull();
            assertThat((System.nanoTime() - started) / 1_000_000).as("ms for a probe with the database down").isLessThan(100);
        }
    }
}
