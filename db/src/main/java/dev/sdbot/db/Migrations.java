package dev.sdbot.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

import javax.sql.DataSource;

/** Applies the Flyway migrations from the top-level migrations/ folder (packaged as db/migration). */
public final class Migrations {
    private Migrations() {
    }

    /** How many migrations this build has that the database has not applied (readiness). */
    public static int pending(DataSource dataSource) {
        return Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().info().pending().length;
    }

    /** Migrates and returns how many migrations were applied now. */
    public static int migrate(DataSource dataSource) {
        MigrateResult result = Flyway.configure()
                .dataSource(dataSource)
                .locations("classpath:db/migration")
                .load()
                .migrate();
        return result.migrationsExecuted;
    }
}
