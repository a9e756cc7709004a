package dev.sdbot.db.store;

import dev.sdbot.db.entity.QuotaRule;
import dev.sdbot.db.entity.QuotaScope;
import jakarta.persistence.LockModeType;
import org.hibernate.SessionFactory;

import java.time.Instant;
import java.util.Collection;
import java.util.List;

/** Quota rules of guilds: the guild default, per role and per user. */
public final class QuotaRuleStore {
    private final SessionFactory sessions;

    public QuotaRuleStore(SessionFactory sessions) {
        this.sessions = sessions;
    }

    /** Creates or replaces the rule for (guild, scope, subject), without a concurrent job limit. */
    public QuotaRule put(long guildId, QuotaScope scope, long subjectId, Integer imagesPerDay, Integer gpuSecondsPerDay, Instant now) {
        return put(guildId, scope, subjectId, imagesPerDay, gpuSecondsPerDay, null, now);
    }

    /** Creates or replaces the rule for (guild, scope, subject); null limits are unlimited. */
    public QuotaRule put(long guildId, QuotaScope scope, long subjectId, Integer imagesPerDay, Integer gpuSecondsPerDay,
                         Integer concurrentJobs, Instant now) {
        long subject = scope == QuotaScope.GUILD_DEFAULT ? 0 : subjectId;
        return sessions.fromTransaction(session -> {
            QuotaRule rule = session.createSelectionQuery(
                            "from QuotaRule where guildId = :g and scope = :s and subjectId = :id", QuotaRule.class)
                    .setParameter("g", guildId).setParameter("s", scope).setParameter("id", subject)
                    .uniqueResult();
            if (rule == null) {
                rule = new QuotaRule(guildId, scope, subject, imagesPerDay, gpuSecondsPerDay, concurrentJobs, now);
                session.persist(rule);
            } else {
                rule.setLimits(imagesPerDay, gpuSecondsPerDay, concurrentJobs, now);
            }
            return rule;
        });
    }

    /**
     * Sets the given limits of the rule for (guild, scope, subject), creating it if needed; a null argument keeps
     * the rule's current value (unlimited for a new rule). One transaction, so concurrent changes don't mix.
     */
    public QuotaRule merge(long guildId, QuotaScope scope, long subjectId, Integer imagesPerDay, Integer gpuSecondsPerDay,
                           Integer concurrentJobs, Instant now) {
        long subject = scope == QuotaScope.GUILD_DEFAULT ? 0 : subjectId;
        return sessions.fromTransaction(session -> {
            QuotaRule rule = session.createSelectionQuery(
                            "from QuotaRule where guildId = :g and scope = :s and subjectId = :id", QuotaRule.class)
                    .setParameter("g", guildId).setParameter("s", scope).setParameter("id", subject)
                    .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                    .uniqueResult();
            if (rule == null) {
                rule = new QuotaRule(guildId, scope, subject, imagesPerDay, gpuSecondsPerDay, concurrentJobs, now);
                session.persist(rule);
            } else {
                rule.setLimits(imagesPerDay != null ? imagesPerDay : rule.getImagesPerDay(),
                        gpuSecondsPerDay != null ? gpuSecondsPerDay : rule.getGpuSecondsPerDay(),
                        concurrentJobs != null ? concurrentJobs : rule.getConcurrentJobs(), now);
            }
            return rule;
        });
    }

    /** Deletes the rule for (guild, scope, subject); false if there was none. */
    public boolean remove(long guildId, QuotaScope scope, long subjectId) {
        return sessions.fromTransaction(session -> session.createMutationQuery(
                        "delete from QuotaRule where guildId = :g and scope = :s and subjectId = :id")
                .setParameter("g", guildId).setParameter("s", scope).setParameter("id", subjectId)
                .executeUpdate() > 0);
    }

    /** The rules that may apply to a member: the guild default, their roles' and their own. */
    public List<QuotaRule> applicable(long guildId, long userId, Collection<Long> roleIds) {
        return sessions.fromSession(session -> session.createSelectionQuery(
                        "from QuotaRule where guildId = :g and (scope = GUILD_DEFAULT"
                                + " or (scope = USER and subjectId = :u) or (scope = ROLE and subjectId in :roles))",
                        QuotaRule.class)
                .setParameter("g", guildId).setParameter("u", userId)
                .setParameterList("roles", roleIds.isEmpty() ? List.of(-1L) : roleIds)
                .getResultList());
    }

    public List<QuotaRule> ofGuild(long guildId) {
        return sessions.fromSession(session -> session.createSelectionQuery(
                        "from QuotaRule where guildId = :g order by scope, subjectId", QuotaRule.class)
                .setParameter("g", guildId).getResultList());
    }

    /** The guilds that have a quota rule. */
    public List<Long> guilds() {
        return sessions.fromSession(session -> session.createSelectionQuery(
                "select distinct guildId from QuotaRule order by guildId", Long.class).getResultList());
    }
}
