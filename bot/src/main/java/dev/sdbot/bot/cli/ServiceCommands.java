package dev.sdbot.bot.cli;

import dev.sdbot.bot.http.ProcessHttp;
import dev.sdbot.bot.runtime.SdbotRuntime;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;

/** Shared by the long-running commands: run until the process is asked to stop, then shut down cleanly. */
final class ServiceCommands {
    /** Beyond the grace: handing back jobs, posting the last results, disconnecting. */
    private static final Duration CLOSE_MARGIN = Duration.ofSeconds(15);

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

    /**
     * Runs until SIGTERM or SIGINT, then stops gracefully (see {@link SdbotRuntime#close()}: within the shutdown grace
     * plus a few seconds) and returns 0, which the launcher turns into the exit code.
     */
    static int runUntilStopped(SdbotRuntime runtime, PrintWriter out) {
        Duration grace = runtime.config().worker().shutdownGrace();
        StopSignals stop = StopSignals.install(grace.plus(CLOSE_MARGIN));
        try {
            stop.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.println("Stopping sdbot: no new commands or jobs; running jobs get " + grace.toSeconds() + " s to finish...");
        out.flush();
        try {
            runtime.close();
        } finally {
            stop.closed();
        }
        out.println("sdbot stopped.");
        out.flush();
        return 0;
    }
}
