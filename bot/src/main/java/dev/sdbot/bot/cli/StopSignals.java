package dev.sdbot.bot.cli;

import sun.misc.Signal;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running command learns that it should stop. SIGTERM (docker stop, systemd, {@code kill}) and SIGINT
 * (Ctrl-C) are handled here instead of by the JVM's default handler, which would run the shutdown hooks and then
 * exit with 143/130: the command closes its runtime on its own thread and exits 0, as a clean stop should. Any other
 * way the JVM shuts down (SIGHUP, System.exit elsewhere) still closes the runtime through a shutdown hook that waits
 * for it.
 */
final class StopSignals {
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch done = new CountDownLatch(1);

    private StopSignals() {
    }

    /** Installs the handlers; {@code closeWithin} bounds how long the shutdown hook waits for the close. */
    static StopSignals install(Duration closeWithin) {
        StopSignals signals = new StopSignals();
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> signals.requested.countDown());
            } catch (IllegalArgumentException e) {
                // the JVM keeps it (-Xrs), or it is ignored (SIGINT of a background job): the shutdown hook still covers it
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            signals.requested.countDown();
            try {
                signals.done.await(closeWithin.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "sdbot-shutdown"));
        return signals;
    }

    /** Blocks until a stop is requested. */
    void await() throws InterruptedException {
        requested.await();
    }

    /** The runtime is closed: a pending shutdown hook may let the JVM go. */
    void closed() {
        done.countDown();
    }
}
