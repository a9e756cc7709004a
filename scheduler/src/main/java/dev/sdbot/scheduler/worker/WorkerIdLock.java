package dev.sdbot.scheduler.worker;

import dev.sdbot.scheduler.store.DataAccessException;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A session advisory lock named after a worker id, held on one connection for the worker process's life. A process
 * registering under an id takes back what an earlier process of that id left running; holding this lock first makes
 * sure that earlier process is really gone (its session ended with it), so two live processes can never share an id
 * and take each other's jobs, whether the id was configured or derived from the host name.
 */
final class WorkerIdLock implements AutoCloseable {
    /** First half of the lock key: sdbot worker ids (the second half is the id's hash). */
    private static final int NAMESPACE = 0x5db0_1d;

    private final Connection connection;
    private final String id;

    private WorkerIdLock(Connection connection, String id) {
        this.connection = connection;
        this.id = id;
    }

    /**
     * Takes the lock, waiting up to {@code patience} for an earlier process's session to end (a process that just
     * died may not be noticed by the server at once), or fails saying that a live process already runs under this id.
     */
    static WorkerIdLock claim(DataSource dataSource, String id, java.time.Duration patience) {
        long giveUp = System.nanoTime() + patience.toNanos();
        Connection c = null;
        try {
            c = dataSource.getConnection();
            c.setAutoCommit(true);
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_try_advisory_lock(?, hashtext(?))")) {
                ps.setInt(1, NAMESPACE);
                ps.setString(2, id);
                while (true) {
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        if (rs.getBoolean(1)) {
                            return new WorkerIdLock(c, id);
                        }
                    }
                    if (System.nanoTime() - giveUp > 0) {
                        break;
                    }
                    DatabaseRetry.sleep(250);
                }
            }
            c.close();
            throw new IllegalStateException("worker id '" + id + "' is in use by another running worker process;"
                    + " give each worker process on this host its own SDBOT_WORKER_ID");
        } catch (SQLException e) {
            closeQuietly(c);
            throw new DataAccessException("claim worker id " + id, e);
        }
    }

    /** Releases the lock and hands the connection back to the pool. */
    @Override
    public void close() {
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_advisory_unlock(?, hashtext(?))")) {
            ps.setInt(1, NAMESPACE);
            ps.setString(2, id);
            ps.executeQuery().close();
        } catch (SQLException e) {
            // the session is gone, and the lock with it
        } finally {
            closeQuietly(connection);
        }
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // nothing held any more
            }
        }
    }
}
