package dev.sdbot.loadtest;

import dev.sdbot.testkit.process.SdbotProcess;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One sdbot process the soak runs ({@code sdbot worker}, {@code sdbot scheduler}, {@code sdbot start --no-worker})
 * through the test kit's launcher, with the soak's test hooks ({@link HookedSdbot}), in all its lives: it is killed
 * and started again. Its output goes to the soak's log file; the soak reads the scheduler nodes it ran (to find the
 * leader).
 */
final class ChildProcess {
    private static final Pattern DISPATCHER = Pattern.compile("Scheduler node (\\S+) is now the dispatcher");
    private static final Pattern POSTED = Pattern.compile("job (\\d+) posted as message");
    private static final int MAX_STARTS = 5;

    final String name;
    private final SdbotProcess.Builder builder;
    private final String readyLine;
    private final Set<String> schedulerNodes = ConcurrentHashMap.newKeySet();
    private final Set<Long> postedJobs = ConcurrentHashMap.newKeySet();
    private volatile SdbotProcess process;
    private volatile boolean ready;

    ChildProcess(String name, List<String> args, Map<String, String> environment, String readyLine, Path log) {
        this.name = name;
        this.readyLine = readyLine;
        // C1 only (as the launcher), small heaps: less work competing with the other processes
        this.builder = SdbotProcess.sdbot(args.toArray(String[]::new)).mainClass(HookedSdbot.class.getName())
                .jvmOptions("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                .environment(environment).logTo(log, name).onLine(this::read);
    }

    private void read(String line) {
        if (line.contains(readyLine)) {
            ready = true;
        }
        Matcher m = DISPATCHER.matcher(line);
        if (m.find()) {
            schedulerNodes.add(m.group(1));
        }
        Matcher posted = POSTED.matcher(line);
        if (posted.find()) {
            postedJobs.add(Long.parseLong(posted.group(1)));
        }
    }

    /**
     * Starts the process and waits for its ready line; starts it again (like a supervisor's restart policy) when it
     * exits before, e.g. because the database was down.
     */
    void start(Duration timeout) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            ready = false;
            SdbotProcess started = builder.start();
            process = started;
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!ready && started.isAlive() && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            if (ready) {
                return;
            }
            if (started.isAlive()) {
                started.kill();
                throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s; see the log");
            }
            if (attempt == MAX_STARTS) {
                throw new IllegalStateException(name + " exited before it was ready " + MAX_STARTS + " times; see the log");
            }
            Thread.sleep(2000);
        }
    }

    /** Starts every process at once and waits until each is ready; a failed start fails the call. */
    static void startAll(List<ChildProcess> processes, Duration timeout) throws Exception {
        java.util.concurrent.ExecutorService starting = java.util.concurrent.Executors.newFixedThreadPool(processes.size());
        try {
            List<java.util.concurrent.Future<?>> started = new java.util.ArrayList<>();
            for (ChildProcess process : processes) {
                started.add(starting.submit(() -> {
                    process.start(timeout);
                    return null;
                }));
            }
            for (java.util.concurrent.Future<?> f : started) {
                f.get();
            }
        } finally {
            starting.shutdownNow();
        }
    }

    boolean isReady() {
        return ready && process.isAlive();
    }

    /** SIGKILL; returns the pid it had. */
    long kill() {
        ready = false;
        return process.kill();
    }

    /** Whether this process (in any of its lives) ran the scheduler node with this id. */
    boolean ranNode(String node) {
        return schedulerNodes.contains(node);
    }

    /** The jobs this process (in any of its lives) logged as posted by it (ResultPoster's "job N posted as message"). */
    Set<Long> postedJobs() {
        return Set.copyOf(postedJobs);
    }

    /** SIGTERM, then SIGKILL if it does not stop in time. */
    void stop() throws InterruptedException {
        SdbotProcess p = process;
        if (p != null) {
            p.stop(Duration.ofSeconds(60));
        }
    }
}
