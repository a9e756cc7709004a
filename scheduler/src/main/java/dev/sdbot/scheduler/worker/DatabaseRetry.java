package dev.sdbot.scheduler.worker;

import dev.sdbot.scheduler.store.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Keeps retrying a worker's write while the database is unreachable, for up to twice the lease and 30 s more. */
final class DatabaseRetry {
    private static final Logger log = LoggerFactory.getLogger(DatabaseRetry.class);

    private final Duration patience;

    DatabaseRetry(Duration lease) {
        this.patience = lease.multipliedBy(2).plusSeconds(30);
    }

    <T> T run(String what, Supplier<T> write) {
        Instant giveUp = Instant.now().plus(patience);
        while (true) {
            try {
                return write.get();
            } catch (DataAccessException e) {
                if (Instant.now().isAfter(giveUp)) {
                    throw e;
                }
                log.warn("{} failed ({}); retrying", what, e.getMessage());
                sleep(500);
            }
        }
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
