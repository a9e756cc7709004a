package dev.sdbot.db.store;

import dev.sdbot.db.entity.FilterRule;
import org.hibernate.SessionFactory;

import java.util.List;

/** A guild's prompt filters. */
public final class FilterRuleStore {
    private final SessionFactory sessions;

    public FilterRuleStore(SessionFactory sessions) {
        this.sessions = sessions;
    }

    public FilterRule add(FilterRule rule) {
        sessions.inTransaction(session -> session.persist(rule));
        return rule;
    }

    public boolean remove(long guildId, long ruleId) {
        return sessions.fromTransaction(session -> session.createMutationQuery(
                        "delete from FilterRule where guildId = :g and id = :id")
                .setParameter("g", guildId).setParameter("id", ruleId).executeUpdate() > 0);
    }

    public List<FilterRule> ofGuild(long guildId) {
        return sessions.fromSession(session -> session.createSelectionQuery(
                        "from FilterRule where guildId = :g order by id", FilterRule.class)
                .setParameter("g", guildId).getResultList());
    }
}
