package dev.sdbot.bot.staff;

import dev.sdbot.db.entity.ModerationEvent;
import dev.sdbot.db.store.ModerationEventStore;

import java.time.Clock;

/**
 * Every moderator action and automatic block becomes a row of {@code moderation_events} (who, what, when,
 * why, guild). The one place that writes them.
 */
public final class AuditTrail {
    private final ModerationEventStore events;
    private final Clock clock;

    public AuditTrail(ModerationEventStore events, Clock clock) {
        this.events = events;
        this.clock = clock;
    }

    /**
     * @param moderatorId who acted, null for an automatic action
     * @param userId      whom it concerns (the moderator themself for settings changes)
     * @param detailsJson a JSON object with specifics ({@code "{}"} if none)
     */
    public ModerationEvent record(long guildId, Long jobId, long userId, Long moderatorId, String kind, String reason,
                                  String detailsJson) {
        return events.record(new ModerationEvent(guildId, jobId, userId, moderatorId, kind, reason, detailsJson,
                clock.instant()));
    }
}
