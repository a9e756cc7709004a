package dev.sdbot.bot.config;

/**
 * The Discord connection ({@code discord:} in sdbot.yaml). {@code token} is a secret: never in {@link #toString()}.
 * {@code apiUrl}/{@code gatewayUrl} unset mean Discord's own; tests point them at the local fake.
 */
public record DiscordConfig(String token, String apiUrl, String gatewayUrl, int shards) {

    public DiscordConfig {
        if (shards < 1) {
            throw new IllegalArgumentException("shards must be at least 1, got " + shards);
        }
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
