package dev.sdbot.bot.discord;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import okhttp3.Interceptor;
import okhttp3.Response;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code sdbot_discord_ack_latency_seconds{interaction,outcome}}: from an interaction reaching the bot to Discord
 * answering its acknowledgement (reply or defer, the callback Discord wants within 3 s). Every command acknowledges in
 * its own way, so the answer is seen where they all meet: JDA's HTTP client, on the interaction callback route.
 * {@code outcome} is {@code ok}, or {@code failed} when Discord refused it (too late) or it never got there.
 */
public final class InteractionAckMeter implements Interceptor {
    /** Histogram buckets (a few, fixed: one series each per tag combination). */
    private static final Duration[] BUCKETS = {
            Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
            Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5)};
    /** The callback route; its second segment is the interaction token, which is never kept or logged. */
    private static final Pattern CALLBACK = Pattern.compile("/interactions/(\\d+)/[^/]+/callback$");
    /** Interactions nobody acknowledged are forgotten after this long (Discord gave up on them long before). */
    private static final long FORGET_NANOS = Duration.ofMinutes(1).toNanos();
    private static final int SWEEP_ABOVE = 256;

    private record Received(String name, long nanos) {
    }

    private final MeterRegistry registry;
    private final Map<Long, Received> waiting = new ConcurrentHashMap<>();

    public InteractionAckMeter(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * An interaction arrived.
     *
     * @param name a command's or button action's name: one of the bot's own (a bounded set), so fine as a tag
     */
    public void received(long interactionId, String name) {
        long now = System.nanoTime();
        if (waiting.size() > SWEEP_ABOVE) {
            waiting.values().removeIf(r -> now - r.nanos() > FORGET_NANOS);
        }
        waiting.put(interactionId, new Received(name, now));
    }

    @Override
    public Response intercept(Chain chain) throws IOException {
        Matcher callback = CALLBACK.matcher(chain.request().url().encodedPath());
        if (!callback.find()) {
            return chain.proceed(chain.request());
        }
        long interactionId = Long.parseLong(callback.group(1));
        try {
            Response response = chain.proceed(chain.request());
            acknowledged(interactionId, response.isSuccessful());
            return response;
        } catch (IOException | RuntimeException e) {
            acknowledged(interactionId, false);
            throw e;
        }
    }

    private void acknowledged(long interactionId, boolean ok) {
        Received received = waiting.remove(interactionId);
        if (received != null) {
            Timer.builder("sdbot.discord.ack.latency")
                    .description("From an interaction reaching the bot to Discord accepting its acknowledgement")
                    .tags("interaction", received.name(), "outcome", ok ? "ok" : "failed")
                    .serviceLevelObjectives(BUCKETS)
                    .register(registry)
                    .record(Duration.ofNanos(System.nanoTime() - received.nanos()));
        }
    }
}
