package dev.sdbot.scheduler;

import java.time.Instant;

/**
 * A member's usage today against their limits (null limit = unlimited).
 *
 * @param imagesPending     images of their jobs still queued or running (they count against the limit)
 * @param gpuMillisInFlight estimated GPU time of those jobs (it counts against the GPU-seconds limit)
 * @param activeJobs        their jobs queued or running now (counted only where a concurrent limit applies)
 * @param readAt            when it was read, by the database's clock (the one {@code resetsAt} is on)
 */
public record QuotaStatus(long guildId, long userId, int imagesUsed, int imagesPending, Integer imagesLimit,
                          long gpuMillisUsed, Integer gpuSecondsLimit, Instant resetsAt, long gpuMillisInFlight,
                          int activeJobs, Integer concurrentLimit, Instant readAt) {

    public boolean unlimited() {
        return imagesLimit == null && gpuSecondsLimit == null && concurrentLimit == null;
    }
}
