package dev.sdbot.db;

import javax.sql.DataSource;

/**
 * Whether the database has every migration of this build, for readiness probes. Flyway is asked (it scans the
 * classpath and the history table: about 10 s when the database is down) only until it first answers "none
 * pending"; from then on the answer cannot change for this build (migrations are only ever added), so a probe costs
 * nothing and never waits on a database that went away (the database check reports that).
 */
public final class MigrationStatus {
    private final DataSource dataSource;
    private volatile boolean upToDate;

    public MigrationStatus(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Null when up to date, else what is missing. */
    public String problem() {
        if (upToDate) {
            return null;
        }
        int pending = Migrations.pending(dataSource);
        upToDate = pending == 0;
        return upToDate ? null : pending + " migration(s) not applied";
    }
}
