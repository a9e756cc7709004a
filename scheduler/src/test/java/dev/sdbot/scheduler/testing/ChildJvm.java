package dev.sdbot.scheduler.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A test main class in a JVM of its own, returned once it printed its ready line; can be frozen (SIGSTOP) and thawed. */
public final class ChildJvm implements AutoCloseable {
    private final Process process;

    private ChildJvm(Process process) {
        this.process = process;
    }

    public static ChildJvm start(Class<?> main, String readyLine, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        ChildJvm child = new ChildJvm(new ProcessBuilder(command).redirectErrorStream(true).start());
        BufferedReader out = new BufferedReader(new InputStreamReader(child.process.getInputStream()));
        String line;
        while ((line = out.readLine()) != null && !line.contains(readyLine)) {
            // skip start-up logging
        }
        if (line == null) {
            child.close();
            throw new IllegalStateException(main.getSimpleName() + " exited before it was ready");
        }
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "drain-" + main.getSimpleName());
        drain.setDaemon(true);
        drain.start(); // a full pipe would block the child's logging
        return child;
    }

    /** SIGSTOP: the process stops mid-whatever, its sockets stay open (the kernel still answers for them). */
    public void freeze() throws IOException, InterruptedException {
        signal("STOP");
    }

    /** SIGCONT. */
    public void thaw() throws IOException, InterruptedException {
        signal("CONT");
    }

    private void signal(String name) throws IOException, InterruptedException {
        int rc = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
        if (rc != 0) {
            throw new IllegalStateException("kill -" + name + " failed with " + rc);
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
