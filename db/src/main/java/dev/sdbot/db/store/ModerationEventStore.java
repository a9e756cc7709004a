package dev.sdbot.db.store;

import dev.sdbot.db.entity.ModerationEvent;
import org.hibernate.SessionFactory;

import java.util.List;

/** The moderation log. */
public final class ModerationEventStore {
    private final SessionFactory sessions;

    public ModerationEventStore(SessionFactory sessions) {
        this.sessions = sessions;
    }

    public ModerationEvent record(ModerationEvent event) {
        sessions.inTransaction(session -> session.persist(event));
        return event;
    }

    public List<ModerationEvent> recent(long guildId, int limit) {
        return sessions.fromSession(session -> session.createSelectionQuery(
                        "from ModerationEvent where guildId = :g order by createdAt desc, id desc", ModerationEvent.class)
                .setParameter("g", guildId).setMaxResults(limit).getResultList());
    }
}
