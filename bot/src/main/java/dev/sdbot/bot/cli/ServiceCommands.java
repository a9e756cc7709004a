package dev.sdbot.bot.cli;

import dev.sdbot.bot.runtime.SdbotRuntime;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/** Shared by the long-running commands: run until the process is asked to stop, then shut down cleanly. */
final class ServiceCommands {
    private ServiceCommands() {
    }

    static int runUntilStopped(SdbotRuntime runtime, PrintWriter out) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            out.println("Stopping sdbot...");
            out.flush();
            runtime.close();
            stopped.countDown();
        }, "sdbot-shutdown"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }
}
