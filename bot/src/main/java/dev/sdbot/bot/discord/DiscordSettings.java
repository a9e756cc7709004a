package dev.sdbot.bot.discord;

import dev.sdbot.scheduler.ShardRange;

import java.net.URI;
import java.util.Objects;

/**
 * How to reach Discord.
 *
 * @param token      bot token (secret: never logged, {@link #toString()} hides it)
 * @param apiUrl     REST base URL ending in "/api/v10/"; Discord's own by default
 * @param gatewayUrl gateway websocket URL; null = Discord's own (asked from the API when sharding)
 * @param shards     the shards this process connects ({@link ShardRange#ALL}: a single JDA without a shard manager)
 */
public record DiscordSettings(String token, URI apiUrl, URI gatewayUrl, ShardRange shards) {
    public static final URI DISCORD_API = URI.create("https://discord.com/api/v10/");

    public DiscordSettings {
        Objects.requireNonNull(token, "token");
        apiUrl = apiUrl == null ? DISCORD_API : apiUrl;
        if (!apiUrl.toString().endsWith("/")) {
            apiUrl = URI.create(apiUrl + "/");
        }
        shards = shards == null ? ShardRange.ALL : shards;
    }

    /** All {@code shards} shards in this process; 0 or 1 = a single JDA without a shard manager. */
    public DiscordSettings(String token, URI apiUrl, URI gatewayUrl, int shards) {
        this(token, apiUrl, gatewayUrl, ShardRange.parse(Integer.toString(shards)));
    }

    @Override
    public String toString() {
        return "DiscordSettings[token=***, apiUrl=" + apiUrl + ", gatewayUrl=" + gatewayUrl + ", shards=" + shards + "]";
    }
}
