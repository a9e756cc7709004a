package dev.sdbot.loadtest;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * What the database has written so far: the WAL position, the rows inserted, updated and deleted (pg_stat_database)
 * and per table (pg_stat_user_tables), and the size of the tables with their indexes and TOAST. Two readings, before
 * and after a run, give what the run wrote.
 */
record DatabaseCounters(long walLsn, long inserted, long updated, long deleted, long tableBytes, Map<String, Long> rowsPerTable) {
    /** Reads the counters (after waiting out the statistics' flush: other backends report at most once a second). */
    static DatabaseCounters read(SoakDatabase database) throws SQLException, InterruptedException {
        Thread.sleep(1_500);
        try (Connection c = database.connect(); Statement st = c.createStatement()) {
            st.execute("SELECT pg_stat_force_next_flush()");
            st.execute("SELECT pg_stat_clear_snapshot()");
            long lsn;
            long[] rows = new long[3];
            long bytes;
            try (ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn")) {
                rs.next();
                lsn = rs.getLong(1);
            }
            try (ResultSet rs = st.executeQuery("SELECT tup_inserted, tup_updated, tup_deleted FROM pg_stat_database"
                    + " WHERE datname = current_database()")) {
                rs.next();
                for (int i = 0; i < 3; i++) {
                    rows[i] = rs.getLong(i + 1);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT coalesce(sum(pg_total_relation_size(relid)), 0) FROM pg_stat_user_tables")) {
                rs.next();
                bytes = rs.getLong(1);
            }
            Map<String, Long> perTable = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT relname, n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_user_tables")) {
                while (rs.next()) {
                    perTable.put(rs.getString(1), rs.getLong(2));
                }
            }
            return new DatabaseCounters(lsn, rows[0], rows[1], rows[2], bytes, perTable);
        }
    }
}
