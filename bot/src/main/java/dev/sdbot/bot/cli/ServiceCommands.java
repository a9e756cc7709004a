package dev.sdbot.bot.cli;

import dev.sdbot.bot.http.ProcessHttp;
import dev.sdbot.bot.runtime.SdbotRuntime;

import java.io.PrintWriter;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import java.util.function.Function;

/** Shared by the long-running commands: run until the process is asked to stop, then shut down cleanly. */
final class ServiceCommands {
    private ServiceCommands() {
    }

    /**
     * Opens a runtime, starts one role in it (the runtime is closed if that fails), prints the banner and runs
     * until stopped.
     */
    static int startAndRun(SdbotCommand root, PrintWriter out, ProcessHttp.Role role, Consumer<SdbotRuntime> start,
                           Function<SdbotRuntime, String> banner) {
        SdbotRuntime runtime = SdbotRuntime.open(root.config(), root.clock());
        try {
            ProcessHttp.start(runtime, Set.of(role), false, out);
            start.accept(runtime);
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        out.println(banner.apply(runtime));
        out.flush();
        return runUntilStopped(runtime, out);
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
