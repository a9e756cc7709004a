package dev.sdbot.bot.discord;

import java.net.URI;
import java.util.Objects;

/**
 * How to reach Discord.
 *
 * @param token      bot token (secret: never logged, {@link #toString()} hides it)
 * @param apiUrl     REST base URL ending in "/api/v10/"; Discord's own by default
 * @param gatewayUrl gateway websocket URL; null = Discord's own (asked from the API when sharding)
 * @param shards     number of shards; 0 = a single JDA without a shard manager
 */
public record DiscordSettings(String token, URI apiUrl, URI gatewayUrl, int shards) {
    public static final URI DISCORD_API = URI.create("https://discord.com/api/v10/");

    public DiscordSettings {
        Objects.requireNonNull(token, "token");
        apiUrl = apiUrl == null ? DISCORD_API : apiUrl;
        if (!apiUrl.toString().endsWith("/")) {
            apiUrl = URI.create(apiUrl + "/");
        }
        if (shards < 0) {
            throw new IllegalArgumentException("shards must be >= 0, got " + shards);
        }
    }

    @Override
    public String toString() {
        return "DiscordSettings[token=***, apiUrl=" + apiUrl + ", gatewayUrl=" + gatewayUrl + ", shards=" + shards + "]";
    }
}
