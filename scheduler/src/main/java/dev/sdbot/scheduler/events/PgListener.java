package dev.sdbot.scheduler.events;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * Holds one connection that LISTENs on some channels and hands each notification to a callback.
 * Reconnects after the database restarts; {@code onConnected} runs after every (re)connect so that
 * callers can catch up on what they missed.
 */
public final class PgListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PgListener.class);

    private final DataSource dataSource;
    private final List<String> channels;
    private final BiConsumer<String, String> onNotification;
    private final Runnable onConnected;
    private final Thread thread;
    private volatile boolean running = true;

    public PgListener(DataSource dataSource, List<String> channels, BiConsumer<String, String> onNotification,
                      Runnable onConnected, String name) {
        this.dataSource = dataSource;
        this.channels = List.copyOf(channels);
        this.onNotification = onNotification;
        this.onConnected = onConnected;
        this.thread = new Thread(this::run, "sdbot-listen-" + name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        boolean wasConnected = false;
        while (running) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement st = c.createStatement()) {
                    for (String channel : channels) {
                        st.execute("LISTEN " + channel);
                    }
                }
                if (wasConnected) {
                    log.info("Reconnected to the database for notifications on {}", channels);
                }
                wasConnected = true;
                onConnected.run();
                PGConnection pg = c.unwrap(PGConnection.class);
                while (running) {
                    PGNotification[] notifications = pg.getNotifications(500);
                    if (notifications == null) {
                        continue;
                    }
                    for (PGNotification n : notifications) {
                        deliver(n);
                    }
                }
            } catch (SQLException e) {
                if (running) {
                    log.warn("Notification connection lost ({}); reconnecting", e.getMessage());
                    sleep(500);
                }
            }
        }
    }

    private void deliver(PGNotification n) {
        try {
            onNotification.accept(n.getName(), n.getParameter());
        } catch (RuntimeException e) {
            log.warn("Listener failed on {} '{}'", n.getName(), n.getParameter(), e);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
