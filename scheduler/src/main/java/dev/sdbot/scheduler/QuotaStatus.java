package dev.sdbot.scheduler;

import java.time.Instant;

/**
 * A member's usage today against their limits (null limit = unlimited).
 *
 * @param imagesPending images of their jobs still queued or running (they count against the limit)
 */
public record QuotaStatus(long guildId, long userId, int imagesUsed, int imagesPending, Integer imagesLimit,
                          long gpuMillisUsed, Integer gpuSecondsLimit, Instant resetsAt) {

    public boolean unlimited() {
        return imagesLimit == null && gpuSecondsLimit == null;
    }
}
