package dev.sdbot.testkit.fake;

import java.util.concurrent.atomic.AtomicLong;

/** Real Discord snowflakes carrying the current time (JDA expires interaction hooks by the id's timestamp). */
public final class Snowflakes {
    private static final long DISCORD_EPOCH = 1420070400000L;
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private Snowflakes() {
    }

    public static long next() {
        return at(System.currentTimeMillis());
    }

    /** A current snowflake of a guild on the given shard of {@code total} (Discord: {@code (id >> 22) % total}). */
    public static long onShard(int shard, int total) {
        long millis = System.currentTimeMillis() - DISCORD_EPOCH;
        return at(millis - millis % total + shard + DISCORD_EPOCH);
    }

    public static long at(long epochMillis) {
        return ((epochMillis - DISCORD_EPOCH) << 22) | (SEQUENCE.incrementAndGet() & 0x3FFFFF);
    }
}
