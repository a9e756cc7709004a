package dev.sdbot.scheduler.usage;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

/**
 * A guild's (or one member's) usage from the ledger, and its queue now. Only rows of that guild.
 *
 * @param userId    the one member reported on, or null for the whole guild
 * @param days      the window: the last {@code days} usage days including today
 * @param daily     one entry per day of the window, oldest first, zero where nothing was used
 * @param perWorker worker ids ("none" where an attempt had no worker)
 */
public record UsageReport(long guildId, Long userId, int days, LocalDate today, Totals todayTotals, Totals weekTotals,
                          Totals windowTotals, List<Day> daily, List<MemberShare> topMembers, List<Share> perModel,
                          List<Share> perWorker, Queue queue) {

    /** Images made and GPU time spent (all attempts, failed and cancelled ones too). */
    public record Totals(long images, long gpuMillis, long attempts) {
    }

    public record Day(LocalDate day, long images, long gpuMillis) {
    }

    public record MemberShare(long userId, long images, long gpuMillis) {
    }

    public record Share(String name, long images, long gpuMillis) {
    }

    /**
     * The guild's jobs waiting and running now, and how long the jobs with an attempt in the window waited for a
     * worker (creation to last assignment).
     *
     * @param waitSamples jobs the wait times are computed from; the waits are null when there are none
     */
    public record Queue(int queued, int running, Duration medianWait, Duration p90Wait, int waitSamples) {
    }
}
