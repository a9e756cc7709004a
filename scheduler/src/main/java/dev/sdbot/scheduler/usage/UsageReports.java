package dev.sdbot.scheduler.usage;

import dev.sdbot.scheduler.store.Sql;
import dev.sdbot.scheduler.store.UsageStore;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Usage reports and ledger exports of one guild, computed in SQL over {@code usage_ledger} (joined with
 * {@code jobs} for the model and the wait times). Every query is bound to the guild: no row of another guild
 * is ever read.
 */
public final class UsageReports {
    public static final int MAX_DAYS = 90;
    private static final int TOP = 10;
    /** Restricts ledger rows {@code l} to one member when the bound id is not null (bind the id twice). */
    private static final String MEMBER = " AND (?::bigint IS NULL OR l.user_id = ?)";

    /**
     * The ledger's rows and its per-day roll-up (V38 usage_by_day: guild, day, member, model, worker, images, gpu_ms,
     * attempts), so that totals, charts and shares stay the same after the row retention rolled old rows up.
     */
    private static final String USAGE = "usage_by_day";

    private final DataSource dataSource;

    /** Days are the database's (the days usage was billed to). */
    public UsageReports(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * @param userId null for the whole guild
     * @param days   1..{@link #MAX_DAYS}: the window, including today (UTC days)
     */
    public UsageReport report(long guildId, Long userId, int days) {
        checkDays(days);
        return Sql.withConnection(dataSource, "usage report", c -> {
            LocalDate today = UsageStore.today(c);
            LocalDate from = today.minusDays(days - 1);
            UsageReport.Totals[] totals = totals(c, guildId, userId, today, from);
            return new UsageReport(guildId, userId, days, today, totals[0], totals[1], totals[2],
                    daily(c, guildId, userId, from, today), topMembers(c, guildId, userId, from),
                    shares(c, "l.model", guildId, userId, from), shares(c, "COALESCE(l.worker_id, 'none')", guildId, userId, from),
                    queue(c, guildId, userId, from));
        });
    }

    /** The guild's ledger rows of the last {@code days} usage days, oldest first. */
    public List<LedgerEntry> ledger(long guildId, int days) {
        checkDays(days);
        return Sql.withConnection(dataSource, "usage ledger export", c -> {
            LocalDate from = UsageStore.today(c).minusDays(days - 1);
            try (PreparedStatement ps = c.prepareStatement("SELECT l.recorded_at, l.usage_day, l.job_id, l.attempt, l.user_id,"
                    + " l.worker_id, j.model, l.outcome, l.images, l.gpu_ms FROM usage_ledger l JOIN jobs j ON j.id = l.job_id"
                    + " WHERE l.guild_id = ? AND l.usage_day >= ? ORDER BY l.recorded_at, l.id")) {
                Sql.bind(ps, guildId, from);
                List<LedgerEntry> entries = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        entries.add(new LedgerEntry(Sql.instant(rs, "recorded_at"), rs.getObject(2, LocalDate.class),
                                rs.getLong(3), rs.getInt(4), rs.getLong(5), rs.getString(6), rs.getString(7),
                                rs.getString(8), rs.getInt(9), rs.getLong(10)));
                    }
                }
                return entries;
            }
        });
    }

    private static void checkDays(int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw new IllegalArgumentException("days must be between 1 and " + MAX_DAYS + ", got " + days);
        }
    }

    /** {today, last 7 days, window}. */
    private static UsageReport.Totals[] totals(Connection c, long guildId, Long userId, LocalDate today, LocalDate from)
            throws SQLException {
        LocalDate weekFrom = today.minusDays(6);
        String sums = "";
        for (String since : new String[] {"?", "?", "?"}) {
            sums += (sums.isEmpty() ? "" : ", ") + "COALESCE(sum(l.images) FILTER (WHERE l.usage_day >= " + since + "), 0),"
                    + " COALESCE(sum(l.gpu_ms) FILTER (WHERE l.usage_day >= " + since + "), 0),"
                    + " COALESCE(sum(l.attempts) FILTER (WHERE l.usage_day >= " + since + "), 0)";
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT " + sums
                + " FROM " + USAGE + " l WHERE l.guild_id = ? AND l.usage_day >= ?" + MEMBER)) {
            Sql.bind(ps, today, today, today, weekFrom, weekFrom, weekFrom, from, from, from,
                    guildId, from.isBefore(weekFrom) ? from : weekFrom, userId, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                UsageReport.Totals[] totals = new UsageReport.Totals[3];
                for (int i = 0; i < 3; i++) {
                    totals[i] = new UsageReport.Totals(rs.getLong(3 * i + 1), rs.getLong(3 * i + 2), rs.getLong(3 * i + 3));
                }
                return totals;
            }
        }
    }

    private static List<UsageReport.Day> daily(Connection c, long guildId, Long userId, LocalDate from, LocalDate today)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT d::date, COALESCE(sum(l.images), 0), COALESCE(sum(l.gpu_ms), 0)"
                + " FROM generate_series(?::date, ?::date, interval '1 day') d"
                + " LEFT JOIN " + USAGE + " l ON l.usage_day = d::date AND l.guild_id = ?" + MEMBER
                + " GROUP BY d ORDER BY d")) {
            Sql.bind(ps, from, today, guildId, userId, userId);
            List<UsageReport.Day> days = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    days.add(new UsageReport.Day(rs.getObject(1, LocalDate.class), rs.getLong(2), rs.getLong(3)));
                }
            }
            return days;
        }
    }

    private static List<UsageReport.MemberShare> topMembers(Connection c, long guildId, Long userId, LocalDate from)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT l.user_id, sum(l.images), sum(l.gpu_ms) FROM " + USAGE + " l"
                + " WHERE l.guild_id = ? AND l.usage_day >= ?" + MEMBER
                + " GROUP BY l.user_id ORDER BY sum(l.gpu_ms) DESC, sum(l.images) DESC, l.user_id LIMIT " + TOP)) {
            Sql.bind(ps, guildId, from, userId, userId);
            List<UsageReport.MemberShare> members = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    members.add(new UsageReport.MemberShare(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
                }
            }
            return members;
        }
    }

    /** Usage grouped by {@code key}, an expression over the row {@code l} of {@link #USAGE}. */
    private static List<UsageReport.Share> shares(Connection c, String key, long guildId, Long userId, LocalDate from)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + key + ", sum(l.images), sum(l.gpu_ms)"
                + " FROM " + USAGE + " l WHERE l.guild_id = ? AND l.usage_day >= ?" + MEMBER
                + " GROUP BY 1 ORDER BY sum(l.gpu_ms) DESC, 1 LIMIT " + TOP)) {
            Sql.bind(ps, guildId, from, userId, userId);
            List<UsageReport.Share> shares = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    shares.add(new UsageReport.Share(rs.getString(1), rs.getLong(2), rs.getLong(3)));
                }
            }
            return shares;
        }
    }

    /** Queued and running now; waits of the jobs with an attempt in the ledger since {@code from} (read via its index). */
    private static UsageReport.Queue queue(Connection c, long guildId, Long userId, LocalDate from) throws SQLException {
        int queued;
        int running;
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FILTER (WHERE state = 'QUEUED'),"
                + " count(*) FILTER (WHERE state IN ('ASSIGNED', 'RUNNING')) FROM jobs l"
                + " WHERE l.guild_id = ? AND l.state IN ('QUEUED', 'ASSIGNED', 'RUNNING')" + MEMBER)) {
            Sql.bind(ps, guildId, userId, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                queued = rs.getInt(1);
                running = rs.getInt(2);
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT"
                + " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM j.assigned_at - j.created_at)),"
                + " percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM j.assigned_at - j.created_at)), count(*)"
                + " FROM jobs j WHERE j.assigned_at IS NOT NULL AND j.guild_id = ? AND j.id IN (SELECT l.job_id"
                + " FROM usage_ledger l WHERE l.guild_id = ? AND l.usage_day >= ?" + MEMBER + ")")) {
            Sql.bind(ps, guildId, guildId, from, userId, userId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                int samples = rs.getInt(3);
                return new UsageReport.Queue(queued, running, samples == 0 ? null : seconds(rs.getDouble(1)),
                        samples == 0 ? null : seconds(rs.getDouble(2)), samples);
            }
        }
    }

    private static Duration seconds(double seconds) {
        return Duration.ofMillis(Math.round(seconds * 1000));
    }
}
