package dev.sdbot.bot.config;

import dev.sdbot.scheduler.worker.WorkerSettings;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * This process's worker ({@code worker:} in sdbot.yaml): its id (unset: host name and pid), devices (comma-separated,
 * one engine on each), slots, pixel budget, heartbeat, and how long running jobs may take to finish after SIGTERM
 * before they are handed back to the queue.
 */
public record WorkerConfig(String id, String devices, int slots, long pixelBudget, int heartbeatSeconds,
                           int shutdownGraceSeconds) {

    public WorkerConfig {
        if (shutdownGraceSeconds < 0) {
            throw new IllegalArgumentException("the shutdown grace (SDBOT_SHUTDOWN_GRACE_SECONDS) cannot be negative, got "
                    + shutdownGraceSeconds);
        }
    }

    public WorkerSettings settings() {
        return new WorkerSettings(id == null || id.isBlank() ? WorkerSettings.defaultWorkerId() : id, devices, slots,
                pixelBudget, heartbeat(), Duration.ofSeconds(2));
    }

    public Duration heartbeat() {
        return Duration.ofSeconds(heartbeatSeconds);
    }

    public Duration shutdownGrace() {
        return Duration.ofSeconds(shutdownGraceSeconds);
    }

    /** Every device of {@code devices}: the worker runs one engine on each. */
    public List<String> deviceList() {
        String list = devices == null || devices.isBlank() ? "cpu" : devices;
        return Arrays.stream(list.split(",")).map(String::trim).filter(d -> !d.isEmpty()).toList();
    }
}
