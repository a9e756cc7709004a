package dev.sdbot.scheduler;

import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.store.GpuTimeEstimates;
import dev.sdbot.scheduler.store.Sql;
import dev.sdbot.scheduler.store.UsageStore;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Quotas: images per day, GPU-seconds per day and jobs at once, from the most specific rule that exists
 * (the user's own, else the most generous of their roles', else the guild default; none = unlimited).
 * Queued and running work counts as used, so a burst of submits cannot overshoot: images by their number,
 * GPU time by an estimate ({@link GpuTimeEstimates}) until the ledger has the real figure; used, pending and
 * in-flight are read in one statement, so a job finishing meanwhile is counted exactly once.
 * Rules are managed with {@link dev.sdbot.db.store.QuotaRuleStore}; the submit path reads them with
 * one plain query inside its own transaction.
 */
public final class QuotaService {
    private final GpuTimeEstimates estimates = new GpuTimeEstimates();

    private record Limits(Integer images, Integer gpuSeconds, Integer concurrentJobs) {
        static final Limits UNLIMITED = new Limits(null, null, null);
    }

    private record Rule(QuotaScope scope, long subjectId, Integer images, Integer gpuSeconds, Integer concurrentJobs) {
    }

    /** Usage and limits, read on the given connection (the submit transaction holds the member's lock). */
    QuotaStatus status(Connection c, long guildId, long userId, Collection<Long> roleIds) throws SQLException {
        Limits limits = limits(rules(c, guildId, userId, roleIds), userId, roleIds);
        Instant now;
        LocalDate today; // the day the workers bill to, and the time until it ends, both on the database's clock
        try (PreparedStatement ps = c.prepareStatement("SELECT " + UsageStore.TODAY + ", now()"); ResultSet rs = ps.executeQuery()) {
            rs.next();
            today = rs.getObject(1, LocalDate.class);
            now = rs.getObject(2, java.time.OffsetDateTime.class).toInstant();
        }
        Instant resetsAt = today.plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
        if (limits == Limits.UNLIMITED) {
            return new QuotaStatus(guildId, userId, 0, 0, null, 0, null, resetsAt, 0, 0, null, now); // nothing to count against
        }
        GpuTimeEstimates.Usage used = estimates.usage(c, guildId, userId, today);
        return new QuotaStatus(guildId, userId, used.imagesUsed(), used.imagesPending(), limits.images(),
                used.gpuMillisUsed(), limits.gpuSeconds(), resetsAt, used.gpuMillisInFlight(), used.activeJobs(),
                limits.concurrentJobs(), now);
    }

    /**
     * Whether relax mode lets the member go over a daily quota (an admin turned it on for the guild, role 0, or for
     * one of the member's roles): their job is then queued at {@link JobSubmission#RELAX_PRIORITY} instead of refused.
     */
    boolean relaxCovers(Connection c, long guildId, Collection<Long> roleIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT EXISTS (SELECT 1 FROM relax_rules WHERE guild_id = ?"
                + " AND (role_id = 0 OR role_id = ANY (?)))")) {
            Sql.bind(ps, guildId, c.createArrayOf("bigint", roleIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    /** The estimated GPU milliseconds of a request, where the member's status has a GPU-seconds limit (else 0). */
    long estimateMillis(Connection c, QuotaStatus status, GenerationRequest request) throws SQLException {
        return status.gpuSecondsLimit() == null ? 0
                : estimates.requestMillis(c, status.guildId(), request);
    }

    /**
     * Throws when {@code jobCount} more jobs of {@code images} images in all, estimated at {@code gpuMillis},
     * would exceed a limit.
     */
    void check(QuotaStatus status, int jobCount, int images, long gpuMillis) throws QuotaExceededException {
        String resets = "resets at " + status.resetsAt() + " (in " + humanize(Duration.between(status.readAt(), status.resetsAt())) + ")";
        if (status.concurrentLimit() != null && status.activeJobs() + jobCount > status.concurrentLimit()) {
            throw new QuotaExceededException("Too many jobs at once: you have " + status.activeJobs()
                    + " queued or running and this server allows " + status.concurrentLimit()
                    + " at a time; wait for one to finish.", status, false);
        }
        if (status.imagesLimit() != null && status.imagesUsed() + status.imagesPending() + images > status.imagesLimit()) {
            throw new QuotaExceededException("Daily image quota exceeded: " + status.imagesUsed() + " used and "
                    + status.imagesPending() + " queued of " + status.imagesLimit() + " images per day, this request needs "
                    + images + " more; the quota " + resets + ".", status);
        }
        if (status.gpuSecondsLimit() != null
                && status.gpuMillisUsed() + status.gpuMillisInFlight() + gpuMillis > status.gpuSecondsLimit() * 1000L) {
            throw new QuotaExceededException("Daily GPU time quota exceeded: " + seconds(status.gpuMillisUsed())
                    + " used and about " + seconds(status.gpuMillisInFlight()) + " queued or running of "
                    + status.gpuSecondsLimit() + " GPU-seconds per day, this request needs about " + seconds(gpuMillis)
                    + " more; the quota " + resets + ".", status);
        }
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    private static List<Rule> rules(Connection c, long guildId, long userId, Collection<Long> roleIds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT scope, subject_id, images_per_day, gpu_seconds_per_day, concurrent_jobs"
                + " FROM quota_rules WHERE guild_id = ? AND (scope = 'GUILD_DEFAULT' OR (scope = 'USER' AND subject_id = ?)"
                + " OR (scope = 'ROLE' AND subject_id = ANY (?)))")) {
            Sql.bind(ps, guildId, userId, c.createArrayOf("bigint", roleIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                List<Rule> rules = new java.util.ArrayList<>();
                while (rs.next()) {
                    rules.add(new Rule(QuotaScope.valueOf(rs.getString(1)), rs.getLong(2),
                            (Integer) rs.getObject(3), (Integer) rs.getObject(4), (Integer) rs.getObject(5)));
                }
                return rules;
            }
        }
    }

    private static Limits limits(List<Rule> applicable, long userId, Collection<Long> roleIds) {
        Rule user = applicable.stream()
                .filter(r -> r.scope() == QuotaScope.USER && r.subjectId() == userId).findFirst().orElse(null);
        if (user != null) {
            return new Limits(user.images(), user.gpuSeconds(), user.concurrentJobs());
        }
        List<Rule> roles = applicable.stream()
                .filter(r -> r.scope() == QuotaScope.ROLE && roleIds.contains(r.subjectId())).toList();
        if (!roles.isEmpty()) {
            return new Limits(mostGenerous(roles.stream().map(Rule::images).toList()),
                    mostGenerous(roles.stream().map(Rule::gpuSeconds).toList()),
                    mostGenerous(roles.stream().map(Rule::concurrentJobs).toList()));
        }
        return applicable.stream().filter(r -> r.scope() == QuotaScope.GUILD_DEFAULT).findFirst()
                .map(r -> new Limits(r.images(), r.gpuSeconds(), r.concurrentJobs()))
                .orElse(Limits.UNLIMITED);
    }

    /** null (unlimited) wins, else the largest. */
    private static Integer mostGenerous(List<Integer> limits) {
        return limits.stream().anyMatch(Objects::isNull) ? null
                : limits.stream().max(Comparator.naturalOrder()).orElse(null);
    }

    static String humanize(Duration d) {
        long minutes = Math.max(0, d.toMinutes());
        return minutes >= 60 ? minutes / 60 + "h " + minutes % 60 + "m" : minutes + "m";
    }
}
