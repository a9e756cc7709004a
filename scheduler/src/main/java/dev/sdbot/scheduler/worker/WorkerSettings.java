package dev.sdbot.scheduler.worker;

import java.time.Duration;

/**
 * One worker process's capacity and timing.
 *
 * @param workerId    stable id (the host name by default: a container's id under Docker, so each replica of
 *                    {@code docker compose up --scale worker=N} has its own and keeps it across restarts)
 * @param devices     description of the devices it runs on ("cpu", "cuda:0")
 * @param slots       jobs it runs at the same time
 * @param pixelBudget largest width × height × images of a job it accepts
 * @param heartbeat   how often it proves it is alive (and renews its leases)
 * @param poll        how often it looks for assigned jobs when no notification came
 */
public record WorkerSettings(String workerId, String devices, int slots, long pixelBudget, Duration heartbeat, Duration poll) {

    public WorkerSettings {
        if (workerId == null || workerId.isBlank()) {
            throw new IllegalArgumentException("worker id must not be empty");
        }
        if (slots < 1 || slots > 256) {
            throw new IllegalArgumentException("worker slots must be between 1 and 256, got " + slots);
        }
        if (pixelBudget < 64 * 64) {
            throw new IllegalArgumentException("worker pixel budget must be at least 4096, got " + pixelBudget);
        }
        if (heartbeat.isNegative() || heartbeat.isZero() || poll.isNegative() || poll.isZero()) {
            throw new IllegalArgumentException("worker heartbeat and poll intervals must be positive");
        }
    }

    /**
     * The host name, stable across restarts, so a restarted worker takes back what its earlier life left running.
     * Two worker processes on one host need ids of their own: the second one to start under the same id is refused
     * (see {@code WorkerIdLock}) rather than taking over the first one's jobs.
     */
    public static String defaultWorkerId() {
        String host = System.getenv().getOrDefault("HOSTNAME", "localhost");
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException ignored) {
            // keep HOSTNAME
        }
        return host;
    }

    public static WorkerSettings defaults() {
        return new WorkerSettings(defaultWorkerId(), "cpu", 1, 1024L * 1024 * 4, Duration.ofSeconds(5), Duration.ofSeconds(2));
    }

    public WorkerSettings withId(String id) {
        return new WorkerSettings(id, devices, slots, pixelBudget, heartbeat, poll);
    }

    public WorkerSettings withSlots(int value) {
        return new WorkerSettings(workerId, devices, value, pixelBudget, heartbeat, poll);
    }

    public WorkerSettings withTiming(Duration heartbeatEvery, Duration pollEvery) {
        return new WorkerSettings(workerId, devices, slots, pixelBudget, heartbeatEvery, pollEvery);
    }
}
