package dev.sdbot.testkit.process;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code sdbot ...} as a child JVM on this JVM's classpath: the one way tests and the soak start sdbot as a process.
 * Its output lines are kept with the time each arrived (or appended to a log file, for long runs); it can be sent
 * SIGTERM (through its process handle, so that what it prints while stopping is still read) or SIGKILL.
 *
 * <p>The child gets this JVM's environment without any {@code SDBOT_*}, {@code DATABASE_*} or {@code DISCORD_TOKEN}
 * (a developer's settings must not leak into a test), plus the builder's.
 */
public final class SdbotProcess implements AutoCloseable {
    /** The launcher's main class (named, not referenced: the test kit does not depend on the bot). */
    public static final String SDBOT_MAIN = "dev.sdbot.bot.cli.SdbotCommand";
    /** Lines kept in memory when the output goes to a log file (for error messages). */
    private static final int TAIL_LINES = 200;
    /** How long a start may take on a busy test machine (a JVM, Flyway, an embedded PostgreSQL). */
    public static final Duration READY_TIMEOUT = Duration.ofSeconds(120);

    /** One line of output and when it arrived (System.nanoTime). */
    public record Line(long nanos, String text, boolean stderr) {
    }

    /** What to start; reusable (the soak starts the same process again after killing it). */
    public static final class Builder {
        private final List<String> args;
        private String mainClass = SDBOT_MAIN;
        private final List<String> jvmOptions = new ArrayList<>(List.of("-XX:TieredStopAtLevel=1"));
        private final Map<String, String> environment = new HashMap<>();
        private boolean separateStderr;
        private Path log;
        private String name = "sdbot";
        private Consumer<String> onLine = line -> { };

        private Builder(List<String> args) {
            this.args = List.copyOf(args);
        }

        /** Another main class on the same classpath (e.g. an entry that installs test hooks first). */
        public Builder mainClass(String mainClass) {
            this.mainClass = mainClass;
            return this;
        }

        /** JVM options instead of the default (C1 only, as the launcher script runs it). */
        public Builder jvmOptions(String... options) {
            jvmOptions.clear();
            jvmOptions.addAll(List.of(options));
            return this;
        }

        public Builder environment(Map<String, String> variables) {
            environment.putAll(variables);
            return this;
        }

        public Builder environment(String name, String value) {
            environment.put(name, value);
            return this;
        }

        /** Keeps stderr apart from stdout ({@link #stderr()}); by default both are one stream. */
        public Builder separateStderr() {
            separateStderr = true;
            return this;
        }

        /** Appends every line to {@code log} under a header with {@code name} and the pid; keeps only a tail in memory. */
        public Builder logTo(Path log, String name) {
            this.log = log;
            this.name = name;
            return this;
        }

        /** Called with each line as it arrives (on the reading thread). */
        public Builder onLine(Consumer<String> onLine) {
            this.onLine = onLine;
            return this;
        }

        public SdbotProcess start() throws IOException {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.addAll(jvmOptions);
            command.addAll(List.of("-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), mainClass));
            command.addAll(args);
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(!separateStderr);
            pb.environment().keySet().removeIf(k -> k.startsWith("SDBOT_") || k.startsWith("DATABASE_")
                    || k.equals("DISCORD_TOKEN"));
            pb.environment().putAll(environment);
            return new SdbotProcess(pb.start(), this);
        }

        /** {@link #startAndAwait(String, Duration)} within {@link #READY_TIMEOUT}. */
        public SdbotProcess startAndAwait(String readyLine) throws IOException {
            return startAndAwait(readyLine, READY_TIMEOUT);
        }

        /** Starts it and waits for a line containing {@code readyLine}; fails (stopping it) if it exits or times out. */
        public SdbotProcess startAndAwait(String readyLine, Duration timeout) throws IOException {
            SdbotProcess process = start();
            try {
                process.awaitLine(readyLine, timeout);
            } catch (RuntimeException | AssertionError e) {
                process.kill();
                throw e;
            }
            return process;
        }
    }

    private final Process process;
    private final String name;
    private final Path log;
    private final Deque<Line> lines = new ArrayDeque<>();
    private final List<Thread> pumps = new ArrayList<>();
    private volatile long terminatedAt;
    private volatile long exitedAt;

    private SdbotProcess(Process process, Builder builder) throws IOException {
        this.process = process;
        this.name = builder.name;
        this.log = builder.log;
        PrintWriter logFile = log == null ? null : new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), true);
        if (logFile != null) {
            logFile.println("---- " + name + " pid " + process.pid());
        }
        pump(process.getInputStream(), false, builder.onLine, logFile);
        if (builder.separateStderr) {
            pump(process.getErrorStream(), true, builder.onLine, logFile);
        }
    }

    /** {@code sdbot args...} with the defaults; configure and {@link Builder#start()} it. */
    public static Builder sdbot(String... args) {
        return new Builder(List.of(args));
    }

    private void pump(InputStream stream, boolean stderr, Consumer<String> onLine, PrintWriter logFile) {
        Thread pump = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    synchronized (lines) {
                        lines.add(new Line(System.nanoTime(), line, stderr));
                        if (logFile != null && lines.size() > TAIL_LINES) {
                            lines.removeFirst();
                        }
                        if (logFile != null) { // under the lock: stdout and stderr lines do not interleave mid-line
                            logFile.println(line);
                        }
                    }
                    onLine.accept(line);
                }
            } catch (IOException | UncheckedIOException e) {
                // the process ended and its stream was closed under the reader: everything it wrote was read
            }
        }, "pump-" + name + "-" + process.pid() + (stderr ? "-err" : ""));
        pump.setDaemon(true);
        pump.start();
        pumps.add(pump);
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Whether a line containing {@code text} arrived (in the kept lines). */
    public boolean printed(String text) {
        return firstLine(text) != null;
    }

    /** When a line containing {@code text} first arrived (System.nanoTime), or null. */
    public Long firstLine(String text) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.text().contains(text)).map(Line::nanos).findFirst().orElse(null);
        }
    }

    /**
     * Waits for a line containing {@code text}; returns when it arrived (System.nanoTime).
     *
     * @throws AssertionError with the output (and the threads, when it still runs) if it exits first or times out
     */
    public long awaitLine(String text, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Long at = firstLine(text);
            if (at != null) {
                return at;
            }
            boolean exited = !process.isAlive();
            if (exited || System.nanoTime() > deadline) {
                if (exited) {
                    awaitPumps(); // the last lines may still be on their way
                    at = firstLine(text);
                    if (at != null) {
                        return at;
                    }
                }
                throw new AssertionError(name + ": no line with '" + text + "' within " + timeout + " ("
                        + (exited ? "exited " + process.exitValue() : "still running") + ")"
                        + (log != null ? "; see " + log : "") + ", its output:\n" + output()
                        + (exited ? "" : "\n" + threads()));
            }
            sleep(20);
        }
    }

    /** Every line, stdout and stderr in order of arrival (only the tail when it logs to a file). */
    public String output() {
        StringBuilder sb = new StringBuilder();
        snapshot().forEach(l -> sb.append(l.text()).append('\n'));
        return sb.toString();
    }

    /** The stdout lines (everything when stderr is not separate). */
    public List<String> stdout() {
        return snapshot().stream().filter(l -> !l.stderr()).map(Line::text).toList();
    }

    /** The stderr lines ({@link Builder#separateStderr()}). */
    public List<String> stderr() {
        return snapshot().stream().filter(Line::stderr).map(Line::text).toList();
    }

    private List<Line> snapshot() {
        synchronized (lines) {
            return List.copyOf(lines);
        }
    }

    /** Its threads (jstack), to see where it hangs. */
    private String threads() {
        try {
            Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    Long.toString(process.pid())).redirectErrorStream(true).start();
            return new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    /**
     * SIGTERM; returns when it was sent (System.nanoTime). Through the process handle: {@link Process#destroy()} sends
     * the same signal but also closes our end of its output, and what it prints while stopping is wanted.
     */
    public long terminate() {
        terminatedAt = System.nanoTime();
        process.toHandle().destroy();
        return terminatedAt;
    }

    /** SIGKILL and wait for it; returns the pid it had. */
    public long kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return process.pid();
    }

    /**
     * Waits for the exit; returns the exit code.
     *
     * @throws AssertionError with the output when it still runs after {@code timeout}
     */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(name + " did not exit within " + timeout + ":\n" + output() + "\n" + threads());
        }
        exitedAt = System.nanoTime();
        awaitPumps();
        return process.exitValue();
    }

    /** From {@link #terminate()} to the exit (call after {@link #awaitExit}). */
    public Duration stopTime() {
        return Duration.ofNanos(exitedAt - terminatedAt);
    }

    /** SIGTERM, then SIGKILL if it does not stop within {@code grace}; returns its exit code. */
    public int stop(Duration grace) throws InterruptedException {
        if (process.isAlive()) {
            terminate();
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        awaitPumps();
        return process.exitValue();
    }

    /** Stops it if it still runs: SIGTERM first, so that an embedded database it started stops with it. */
    @Override
    public void close() throws InterruptedException {
        stop(Duration.ofSeconds(60));
    }

    /** Lets the reading threads drain what the exited process wrote (its streams end with it). */
    private void awaitPumps() {
        process.onExit().join();
        for (Thread pump : pumps) {
            try {
                pump.join(Duration.ofSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
