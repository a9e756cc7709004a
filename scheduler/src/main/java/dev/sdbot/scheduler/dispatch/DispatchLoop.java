package dev.sdbot.scheduler.dispatch;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs dispatch passes on a thread of its own as soon as something is worth dispatching (a job
 * queued, a slot freed, a worker registered), instead of waiting for the next Quartz firing.
 * Wake-ups that arrive during a pass coalesce into one more pass. It reaps expired leases every
 * interval, however busy (steady traffic wakes it more often than that), and passes at least every
 * interval, so neither waits on the Quartz job landing on this node (it does the same work
 * cluster-wide). Only the elected node
 * ({@link LeaderLease}) runs passes; a standby's loop waits.
 */
public final class DispatchLoop implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DispatchLoop.class);
    /** When another process holds the dispatch lock, try again shortly: it may have missed our event. */
    private static final long CONTENDED_RETRY_MS = 20;

    private final Dispatcher dispatcher;
    private final LeaseReaper reaper;
    private final long intervalMillis;
    private final java.util.function.BooleanSupplier leading;
    private final java.util.concurrent.atomic.AtomicLong passes = new java.util.concurrent.atomic.AtomicLong();
    private final Semaphore wakeups = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private long lastReapNanos = System.nanoTime() - Long.MAX_VALUE / 2; // reap on the first pass

    public DispatchLoop(Dispatcher dispatcher, LeaseReaper reaper, java.time.Duration interval, String name,
                        java.util.function.BooleanSupplier leading) {
        this.dispatcher = dispatcher;
        this.leading = leading;
        this.reaper = reaper;
        this.intervalMillis = interval.toMillis();
        this.thread = new Thread(this::run, "sdbot-dispatch-" + name);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public void wake() {
        if (wakeups.availablePermits() == 0) {
            wakeups.release();
        }
    }

    private void run() {
        while (running) {
            try {
                wakeups.tryAcquire(intervalMillis, TimeUnit.MILLISECONDS);
                wakeups.drainPermits();
                if (!leading.getAsBoolean()) {
                    continue;
                }
                if (System.nanoTime() - lastReapNanos >= intervalMillis * 1_000_000) {
                    lastReapNanos = System.nanoTime();
                    reaper.reap();
                }
                passes.incrementAndGet();
                Dispatcher.Pass pass = dispatcher.dispatchOnce();
                if (!pass.lockTaken()) {
                    Thread.sleep(CONTENDED_RETRY_MS);
                    wake();
                } else if (pass.assigned() > 0 && pass.slotsLeft() > 0) {
                    wake(); // more queued jobs may fit once this pass's assignments are visible
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Dispatch pass failed (will retry): {}", e.getMessage());
                sleepQuietly(500);
                wake();
            }
        }
    }

    /** Dispatch passes this loop has run. */
    public long passes() {
        return passes.get();
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
