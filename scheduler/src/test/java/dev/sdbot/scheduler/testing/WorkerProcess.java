package dev.sdbot.scheduler.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.util.List;

/** A {@link WorkerMain} in a child JVM, started and ready to take jobs; kill it as a crash would. */
public final class WorkerProcess implements AutoCloseable {
    private final Process process;

    private WorkerProcess(Process process) {
        this.process = process;
    }

    public static WorkerProcess start(String jdbcUrl, String workerId, long stepDelayMillis, int slots) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"), WorkerMain.class.getName(),
                jdbcUrl, workerId, Long.toString(stepDelayMillis), Integer.toString(slots))).redirectErrorStream(true).start();
        WorkerProcess worker = new WorkerProcess(child);
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
        String line;
        while ((line = out.readLine()) != null && !line.contains("worker ready")) {
            // skip start-up logging
        }
        if (line == null) {
            worker.close();
            throw new IllegalStateException("child worker " + workerId + " exited before it was ready");
        }
        Thread drain = new Thread(() -> out.lines().forEach(l -> { }), "drain-" + workerId);
        drain.setDaemon(true);
        drain.start(); // a full pipe would block the child's logging
        return worker;
    }

    /** SIGKILL: no clean sign-off, nothing released. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    @Override
    public void close() {
        process.destroyForcibly();
    }
}
