package dev.sdbot.bot.config;

import dev.sdbot.scheduler.ShardRange;

/**
 * The Discord connection ({@code discord:} in sdbot.yaml). {@code token} is a secret: never in {@link #toString()}.
 * {@code apiUrl}/{@code gatewayUrl} unset mean Discord's own; tests point them at the local fake.
 * {@code shards}: the shards this process connects, {@code 0-3/16} (shards 0 to 3 of 16; several bot processes with
 * disjoint ranges share one bot), or a number of shards all in this process ({@code 1}: no sharding).
 */
public record DiscordConfig(String token, String apiUrl, String gatewayUrl, String shards) {

    public DiscordConfig {
        shards = shards == null || shards.isBlank() ? "1" : shards.strip();
        ShardRange.parse(shards); // a bad value fails at start, with its rule
    }

    public ShardRange shardRange() {
        return ShardRange.parse(shards);
    }

    public boolean hasToken() {
        return token != null && !token.isBlank();
    }

    @Override
    public String toString() {
        return "DiscordConfig[token=" + (hasToken() ? "***" : "none") + ", apiUrl=" + apiUrl + ", gatewayUrl=" + gatewayUrl
                + ", shards=" + shards + "]";
    }
}
