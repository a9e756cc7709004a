package dev.sdbot.scheduler;

import java.time.Instant;

/**
 * Where a job came from and where its result goes. Snowflakes are plain longs; 0 = none
 * (jobs submitted from the CLI have no guild, channel or interaction).
 *
 * @param interactionToken Discord interaction token (a secret: not in toString), or null
 * @param tokenExpiresAt   when the token stops working (Discord: 15 minutes), or null
 */
public record JobOrigin(long guildId, long channelId, long userId, long interactionId, String interactionToken,
                        Instant tokenExpiresAt) {

    public static JobOrigin cli(long guildId, long userId) {
        return new JobOrigin(guildId, 0, userId, 0, null, null);
    }

    /** Whether the interaction webhook can still be used at {@code now}. */
    public boolean tokenValidAt(Instant now) {
        return interactionToken != null && tokenExpiresAt != null && now.isBefore(tokenExpiresAt);
    }

    @Override
    public String toString() {
        return "JobOrigin[guildId=" + guildId + ", channelId=" + channelId + ", userId=" + userId
                + ", interactionId=" + interactionId + ", interactionToken=" + (interactionToken == null ? "none" : "***")
                + ", tokenExpiresAt=" + tokenExpiresAt + "]";
    }
}
