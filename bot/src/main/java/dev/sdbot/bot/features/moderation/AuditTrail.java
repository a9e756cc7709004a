package dev.sdbot.bot.features.moderation;

import dev.sdbot.db.entity.ModerationEvent;
import dev.sdbot.db.store.ModerationEventStore;

import java.time.Clock;
import java.util.List;

/**
 * Every moderator action and automatic block becomes a row of {@code moderation_events} (who, what, when,
 * why, guild) and an entry in the guild's mod-log channel. The one place that writes them.
 */
public final class AuditTrail {
    private final ModerationEventStore events;
    private final ModLog modLog;
    private final Clock clock;

    public AuditTrail(ModerationEventStore events, ModLog modLog, Clock clock) {
        this.events = events;
        this.modLog = modLog;
        this.clock = clock;
    }

    /**
     * @param moderatorId who acted, null for an automatic action
     * @param userId      whom it concerns (the moderator themself for settings changes)
     * @param detailsJson a JSON object with specifics ({@code "{}"} if none)
     */
    public ModerationEvent record(long guildId, Long jobId, long userId, Long moderatorId, String kind, String reason,
                                  String detailsJson) {
        return record(guildId, jobId, userId, moderatorId, kind, reason, detailsJson, null, List.of());
    }

    /**
     * Like {@link #record(long, Long, long, Long, String, String, String)}, with what the mod-log entry shows
     * besides the reason.
     *
     * @param summary markdown for the mod-log entry (prompt, scores...), null for the reason alone
     * @param images  images the entry shows behind spoilers
     */
    public ModerationEvent record(long guildId, Long jobId, long userId, Long moderatorId, String kind, String reason,
                                  String detailsJson, String summary, List<ModLog.Image> images) {
        ModerationEvent event = events.record(new ModerationEvent(guildId, jobId, userId, moderatorId, kind, reason,
                detailsJson, clock.instant()));
        modLog.post(event, summary, images);
        return event;
    }
}
