package dev.sdbot.scheduler.dispatch;

import dev.sdbot.scheduler.store.DataAccessException;
import dev.sdbot.scheduler.store.Sql;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Elects the one scheduler node that dispatches and reaps: a single-row lease in the database, taken or
 * renewed every third of its length and compared with the database's clock. A node counts itself leader
 * only until its last successful renewal plus the lease less one renewal period (by its own monotonic clock),
 * so a leader cut off from the database stops before a standby can take over. Closing hands the lease over.
 */
public final class LeaderLease implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaderLease.class);

    private final DataSource dataSource;
    private final String node = UUID.randomUUID().toString();
    private final Duration lease;
    private final Runnable onElected;
    private final ScheduledExecutorService renewals;
    private volatile long leaderUntilNanos = Long.MIN_VALUE;
    private volatile boolean leader;

    /** @param onElected called when this node becomes leader (wake the dispatcher) */
    public LeaderLease(DataSource dataSource, Duration lease, Runnable onElected) {
        this.dataSource = dataSource;
        this.lease = lease;
        this.onElected = onElected;
        this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "sdbot-leader-" + node.substring(0, 8));
            t.setDaemon(true);
            return t;
        });
    }

    public LeaderLease start() {
        long period = Math.max(1, lease.toMillis() / 3);
        renewals.scheduleWithFixedDelay(this::renew, 0, period, TimeUnit.MILLISECONDS);
        return this;
    }

    /** Tries to take (or renew) the lease now, e.g. because the leader announced that it handed the lease over. */
    public void renewNow() {
        try {
            renewals.execute(this::renew);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing: this node takes nothing any more
        }
    }

    /** True while this node holds the lease. */
    public boolean isLeader() {
        return leader && System.nanoTime() - leaderUntilNanos < 0;
    }

    private void renew() {
        long asked = System.nanoTime();
        try {
            boolean held = Sql.inHotTransaction(dataSource, "leader lease", c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO scheduler_leader (id, node, lease_expires_at)"
                        + " VALUES (1, ?, now() + ? * interval '1 millisecond') ON CONFLICT (id) DO UPDATE"
                        + " SET node = excluded.node, lease_expires_at = excluded.lease_expires_at"
                        + " WHERE scheduler_leader.node = excluded.node OR scheduler_leader.lease_expires_at < now()"
                        + " RETURNING node")) {
                    Sql.bind(ps, node, lease.toMillis());
                    try (ResultSet rs = ps.executeQuery()) {
                        return rs.next();
                    }
                }
            });
            boolean was = isLeader();
            if (held) {
                leaderUntilNanos = asked + lease.toNanos() - lease.toNanos() / 3;
            }
            leader = held;
            if (held && !was) {
                log.info("Scheduler node {} is now the dispatcher", node);
                onElected.run();
            } else if (!held && was) {
                log.info("Scheduler node {} stands by: another node dispatches", node);
            }
        } catch (DataAccessException e) {
            log.warn("Leader lease of node {} not renewed: {}", node, e.getMessage());
        }
    }

    /** Stops renewing and hands the lease over, announcing it on {@code sdbot_leader} so that a standby takes it at once. */
    @Override
    public void close() {
        renewals.shutdownNow();
        try {
            renewals.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        leader = false;
        try {
            Sql.withConnection(dataSource, "hand over leader lease", c -> {
                try (PreparedStatement ps = c.prepareStatement("WITH gone AS (DELETE FROM scheduler_leader WHERE node = ? RETURNING node)"
                        + " SELECT pg_notify('" + dev.sdbot.scheduler.JobEvents.LEADER_CHANNEL + "', node) FROM gone")) {
                    Sql.bind(ps, node);
                    ps.executeQuery().close();
                }
                return null;
            });
        } catch (DataAccessException e) {
            log.warn("Leader lease of node {} not handed over ({}); it lapses", node, e.getMessage());
        }
    }
}
