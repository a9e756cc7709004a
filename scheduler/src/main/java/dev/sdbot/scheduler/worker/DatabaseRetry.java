package dev.sdbot.scheduler.worker;

import dev.sdbot.scheduler.store.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * Keeps retrying a worker's write while the database is unreachable: for up to twice the lease and 30 s more, or,
 * for a finished job's result ({@link #untilAnswered}), until the database answers, however long it is down.
 */
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

    /**
     * Retries until the database answers (stored, or fenced off because the job is no longer this attempt's) or
     * {@code abandon} says to stop (the worker is shutting down): an outage is nobody's fault, and the only copy
     * of a finished job's images is in hand.
     */
    <T> T untilAnswered(String what, Supplier<T> write, java.util.function.BooleanSupplier abandon) {
        Instant since = Instant.now();
        while (true) {
            try {
                return write.get();
            } catch (DataAccessException e) {
                if (abandon.getAsBoolean()) {
                    throw e;
                }
                log.warn("{} failed for {} s ({}); keeping the result and retrying", what,
                        Duration.between(since, Instant.now()).toSeconds(), e.getMessage());
                sleep(1000);
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
