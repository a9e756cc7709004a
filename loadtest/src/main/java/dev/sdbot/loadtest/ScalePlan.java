package dev.sdbot.loadtest;

import dev.sdbot.scheduler.ShardRange;

/**
 * What the scale simulation runs: {@code jobs} /imagine commands at {@code rate} per second from members of
 * {@code guilds} guilds, {@code bots} bot processes sharing {@code shards} shards in contiguous ranges, {@code nodes}
 * scheduler nodes, {@code workers} workers, {@code size}×{@code size} test-pattern images.
 */
record ScalePlan(int jobs, double rate, int guilds, int bots, int shards, int nodes, int workers, int size) {
    ScalePlan {
        if (jobs < 1 || rate <= 0 || nodes < 1 || workers < 1 || bots < 1) {
            throw new IllegalArgumentException("--jobs, --rate, --bots, --scheduler-nodes and --workers must be positive");
        }
        if (shards < bots) {
            throw new IllegalArgumentException("--shards must be at least --bots (each bot process connects a range of shards)");
        }
        if (guilds < shards || guilds < 2) {
            throw new IllegalArgumentException("--guilds must be at least --shards and 2 (every shard has a guild)");
        }
        if (size < 64 || size % 64 != 0) {
            throw new IllegalArgumentException("--size must be a multiple of 64 of at least 64, got " + size);
        }
    }

    /** Bot {@code i}'s shards: the i-th of {@code bots} contiguous ranges over {@code shards}. */
    ShardRange shardsOf(int bot) {
        return new ShardRange(bot * shards / bots, (bot + 1) * shards / bots - 1, shards);
    }
}
