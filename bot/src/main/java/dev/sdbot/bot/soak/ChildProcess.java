package dev.sdbot.bot.soak;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One sdbot process the soak runs ({@code sdbot worker}, {@code sdbot scheduler}, {@code sdbot start --no-worker}) from
 * the current classpath. Its output goes to a log file; the soak reads the scheduler nodes it ran (to find the leader).
 */
final class ChildProcess {
    private static final Pattern DISPATCHER = Pattern.compile("Scheduler node (\\S+) is now the dispatcher");
    private static final int MAX_STARTS = 5;

    private static final class ExitedEarly extends IllegalStateException {
        ExitedEarly(String message) {
            super(message);
        }
    }

    final String name;
    private final List<String> args;
    private final Map<String, String> environment;
    private final String readyLine;
    private final Path log;
    private final Set<String> schedulerNodes = ConcurrentHashMap.newKeySet();
    private volatile Process process;
    private volatile boolean ready;

    ChildProcess(String name, List<String> args, Map<String, String> environment, String readyLine, Path log) {
        this.name = name;
        this.args = List.copyOf(args);
        this.environment = Map.copyOf(environment);
        this.readyLine = readyLine;
        this.log = log;
    }

    /**
     * Starts the process and waits for its ready line; starts it again (like a supervisor's restart policy) when it
     * exits before, e.g. because the database was down.
     */
    void start(Duration timeout) throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            try {
                startOnce(timeout);
                return;
            } catch (ExitedEarly e) {
                if (attempt == MAX_STARTS) {
                    throw e;
                }
                Thread.sleep(2000);
            }
        }
    }

    private void startOnce(Duration timeout) throws IOException, InterruptedException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // the launcher's JIT setting (C1 only: less compile work competing with the other processes), small heaps
        List<String> command = new ArrayList<>(List.of(java, "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Djava.awt.headless=true", "-cp", System.getProperty("java.class.path"), "dev.sdbot.bot.cli.SdbotCommand"));
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("DISCORD_TOKEN");
        pb.environment().remove("DATABASE_URL");
        pb.environment().putAll(environment);
        ready = false;
        Process started = pb.start();
        process = started;
        Thread pump = new Thread(() -> pump(started), "soak-" + name);
        pump.setDaemon(true);
        pump.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ready) {
            if (!started.isAlive()) {
                throw new ExitedEarly(name + " exited with " + started.exitValue() + " before it was ready; see " + log);
            }
            if (System.nanoTime() > deadline) {
                started.destroyForcibly();
                throw new IllegalStateException(name + " was not ready within " + timeout.toSeconds() + " s; see " + log);
            }
            Thread.sleep(50);
        }
    }

    private void pump(Process p) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
             PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
                     StandardOpenOption.CREATE, StandardOpenOption.APPEND), true)) {
            out.println("---- " + name + " pid " + p.pid());
            String line;
            while ((line = reader.readLine()) != null) {
                out.println(line);
                if (line.contains(readyLine)) {
                    ready = true;
                }
                Matcher m = DISPATCHER.matcher(line);
                if (m.find()) {
                    schedulerNodes.add(m.group(1));
                }
            }
        } catch (IOException e) {
            // the process ended and its stream was closed under the reader
        }
    }

    boolean isReady() {
        return ready && process.isAlive();
    }

    /** SIGKILL; returns the pid it had. */
    long kill() throws InterruptedException {
        Process p = process;
        ready = false;
        p.destroyForcibly();
        p.waitFor();
        return p.pid();
    }

    /** Whether this process (in any of its lives) ran the scheduler node with this id. */
    boolean ranNode(String node) {
        return schedulerNodes.contains(node);
    }

    /** SIGTERM, then SIGKILL if it does not stop in time. */
    void stop() throws InterruptedException {
        Process p = process;
        if (p == null || !p.isAlive()) {
            return;
        }
        p.destroy();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
        }
    }
}
