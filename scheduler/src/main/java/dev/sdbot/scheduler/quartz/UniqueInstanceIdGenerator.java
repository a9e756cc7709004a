package dev.sdbot.scheduler.quartz;

import org.quartz.spi.InstanceIdGenerator;

import java.util.UUID;

/**
 * instanceId AUTO, but unique even for two nodes started in the same millisecond on one host
 * (Quartz's default, host name + time, is not).
 */
public final class UniqueInstanceIdGenerator implements InstanceIdGenerator {
    @Override
    public String generateInstanceId() {
        String host;
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            host = "unknown";
        }
        return host + "-" + ProcessHandle.current().pid() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
