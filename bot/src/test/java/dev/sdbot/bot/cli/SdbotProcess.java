package dev.sdbot.bot.cli;

import dev.sdbot.db.EmbeddedPostgresServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sdbot ...} as a child JVM on the test classpath: its output with the time each line arrived, SIGTERM
 * (through its process handle), and queries on the embedded database it shares through the data directory.
 */
final class SdbotProcess implements AutoCloseable {
    private record Line(long nanos, String text) {
    }

    private final Process process;
    private final List<Line> lines = new ArrayList<>();
    private long terminatedAt;
    private long exitedAt;

    private SdbotProcess(Process process) {
        this.process = process;
        BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Thread pump = new Thread(() -> {
            try {
                reader.lines().forEach(l -> {
                    synchronized (lines) {
                        lines.add(new Line(System.nanoTime(), l));
                    }
                });
            } catch (java.io.UncheckedIOException e) {
                // the process ended and its stream was closed
            }
        }, "pump-" + process.pid());
        pump.setDaemon(true);
        pump.start();
    }

    /** Starts {@code sdbot args...} with the given environment (nothing of this JVM's) and waits for {@code readyLine}. */
    static SdbotProcess start(Map<String, String> environment, String readyLine, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                SdbotCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("SDBOT_") || k.startsWith("DATABASE_") || k.equals("DISCORD_TOKEN"));
        pb.environment().putAll(environment);
        SdbotProcess started = new SdbotProcess(pb.start());
        await().atMost(Duration.ofSeconds(120)).until(() -> started.printed(readyLine) || !started.process.isAlive());
        assertThat(started.process.isAlive()).as(started.output()).isTrue();
        return started;
    }

    boolean printed(String text) {
        return firstLine(text) != null;
    }

    /** When a line containing {@code text} first arrived (System.nanoTime), or null. */
    Long firstLine(String text) {
        synchronized (lines) {
            return lines.stream().filter(l -> l.text().contains(text)).map(Line::nanos).findFirst().orElse(null);
        }
    }

    /** Waits for a line containing {@code text}; returns when it arrived (System.nanoTime). */
    long awaitLine(String text, Duration timeout) {
        try {
            await().atMost(timeout).pollInterval(Duration.ofMillis(20)).until(() -> printed(text));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("no line with '" + text + "' within " + timeout + " ("
                    + (process.isAlive() ? "still running" : "exited " + process.exitValue()) + ") in:\n" + output()
                    + "\n" + threads(), e);
        }
        return firstLine(text);
    }

    /** Its threads (jstack), to see where a stop hangs. */
    private String threads() {
        try {
            Process jstack = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jstack").toString(),
                    Long.toString(process.pid())).redirectErrorStream(true).start();
            return new String(jstack.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return e.toString();
        }
    }

    String output() {
        synchronized (lines) {
            StringBuilder sb = new StringBuilder();
            lines.forEach(l -> sb.append(l.text()).append('\n'));
            return sb.toString();
        }
    }

    /**
     * SIGTERM; returns when it was sent (System.nanoTime). Through the process handle: {@link Process#destroy()} sends
     * the same signal but also closes our end of its output, and what it prints while stopping is wanted.
     */
    long terminate() {
        terminatedAt = System.nanoTime();
        process.toHandle().destroy();
        return terminatedAt;
    }

    /** Waits for the exit; returns the exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        assertThat(process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)).as("exited within " + timeout + ":\n" + output())
                .isTrue();
        exitedAt = System.nanoTime();
        return process.exitValue();
    }

    /** From {@link #terminate()} to the exit (call after {@link #awaitExit}). */
    Duration stopTime() {
        return Duration.ofNanos(exitedAt - terminatedAt);
    }

    /** Stops it if it still runs: SIGTERM first, so that an embedded database it started stops with it. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    /** A single number from the embedded database of {@code dataDir} (the one the processes share). */
    static long queryLong(Path dataDir, String sql, Object... params) throws IOException, SQLException {
        int port = Integer.parseInt(Files.readString(dataDir.resolve("postgres.port")).trim());
        Properties props = new Properties();
        props.setProperty("user", EmbeddedPostgresServer.USER);
        try (Connection c = DriverManager.getConnection(EmbeddedPostgresServer.jdbcUrl(port), props);
             PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                assertThat(rs.next()).as(sql).isTrue();
                return rs.getLong(1);
            }
        }
    }
}
