package dev.sdbot.loadtest;

import dev.sdbot.testkit.fake.FakeDiscord;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The scale simulation's figures: throughput and latencies from the jobs table, what the database wrote per job
 * (two {@link DatabaseCounters} readings), the bytes the S3 server holds per job, and the posted-once check: every
 * job POSTED, one message per job in the fake Discord, posted by exactly one bot process, the one whose shards hold
 * the job's guild.
 */
final class ScaleReport {
    /** Issue 19's "before": images as bytea in the jobs' rows, one bot, one node, 512² test pattern, 64² previews. */
    static final String BEFORE = "854 KB per job (787 KB of it the PNG), measured before the image store with PNGs and "
            + "previews in the job rows (512x512 test pattern, issue 19; not re-measured: that write path is gone)";

    private final List<String> problems = new java.util.ArrayList<>();

    boolean passed() {
        return problems.isEmpty();
    }

    void print(PrintWriter out, ScalePlan plan, SoakDatabase database, FakeDiscord discord, ScaleCluster cluster,
               DatabaseCounters before, DatabaseCounters after, Path s3Files, long retries) throws SQLException, IOException {
        Map<Long, Long> guildOfJob = new HashMap<>();
        Map<String, Long> states = new TreeMap<>();
        double jobsPerSecond;
        double p50Wait;
        double p99Wait;
        double p99Posted;
        try (Connection c = database.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT id, guild_id, state FROM jobs")) {
                while (rs.next()) {
                    guildOfJob.put(rs.getLong(1), rs.getLong(2));
                    states.merge(rs.getString(3), 1L, Long::sum);
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT extract(epoch FROM max(posted_at) - min(created_at)),"
                    + " percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)),"
                    + " percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)),"
                    + " percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM posted_at - created_at)) FROM jobs")) {
                rs.next();
                jobsPerSecond = guildOfJob.size() / Math.max(1e-3, rs.getDouble(1));
                p50Wait = rs.getDouble(2);
                p99Wait = rs.getDouble(3);
                p99Posted = rs.getDouble(4);
            }
        }
        double jobs = Math.max(1, guildOfJob.size());
        out.println("scheduler nodes " + schedulerNodes(database));
        out.println("states          " + states + " (" + retries + " commands typed again)");
        out.printf("jobs/s          %.2f (first command to last post)%n", jobsPerSecond);
        out.printf("queue wait      p50 %.2f s, p99 %.2f s (created to started)%n", p50Wait, p99Wait);
        out.printf("submit->posted  p99 %.2f s%n", p99Posted);
        out.printf("db rows         %.1f inserted, %.1f updated, %.1f deleted per job%n", (after.inserted() - before.inserted()) / jobs,
                (after.updated() - before.updated()) / jobs, (after.deleted() - before.deleted()) / jobs);
        out.println("rows per table  " + rowsPerTable(before, after, jobs));
        out.printf("db bytes        %.1f KB per job of table growth (tables, indexes, TOAST)%n", (after.tableBytes() - before.tableBytes()) / 1024.0 / jobs);
        out.printf("wal after       %.1f KB per job (%d bytes in all; the image store on S3, %dx%d)%n",
                (after.walLsn() - before.walLsn()) / 1024.0 / jobs, after.walLsn() - before.walLsn(), plan.size(), plan.size());
        out.println("wal before      " + BEFORE);
        out.printf("s3 bytes        %.1f KB per job in the bucket%n", bytesUnder(s3Files) / 1024.0 / jobs);
        checkPostedOnce(out, plan, discord, cluster, guildOfJob, states);
        problems.forEach(p -> out.println("problem: " + p));
        out.println(passed() ? "posted-once     ok" : "posted-once     FAILED");
        out.flush();
    }

    private void checkPostedOnce(PrintWriter out, ScalePlan plan, FakeDiscord discord, ScaleCluster cluster,
                                 Map<Long, Long> guildOfJob, Map<String, Long> states) {
        if (guildOfJob.size() != plan.jobs()) {
            problems.add(plan.jobs() + " commands, " + guildOfJob.size() + " jobs");
        }
        if (states.getOrDefault("POSTED", 0L) != guildOfJob.size()) {
            problems.add("not every job is POSTED: " + states);
        }
        Map<Long, Integer> messages = SoakReport.postsPerJob(discord);
        long notOnce = guildOfJob.keySet().stream().filter(id -> messages.getOrDefault(id, 0) != 1).count();
        if (notOnce > 0) {
            problems.add(notOnce + " job(s) with no message or more than one in the fake Discord");
        }
        Map<Long, Integer> posters = new HashMap<>();
        StringBuilder perBot = new StringBuilder();
        for (ScaleCluster.Bot bot : cluster.bots) {
            var posted = bot.process().postedJobs();
            perBot.append(perBot.isEmpty() ? "" : ", ").append(bot.shards()).append(": ").append(posted.size());
            long foreign = posted.stream().filter(id -> !bot.shards().serves(guildOfJob.getOrDefault(id, -1L))).count();
            if (foreign > 0) {
                problems.add(bot.process().name + " posted " + foreign + " job(s) of guilds on other shards");
            }
            posted.forEach(id -> posters.merge(id, 1, Integer::sum));
        }
        out.println("posts per bot   " + perBot);
        long notByOne = guildOfJob.keySet().stream().filter(id -> posters.getOrDefault(id, 0) != 1).count();
        if (notByOne > 0) {
            problems.add(notByOne + " job(s) not posted by exactly one bot process (its log's 'job N posted as message')");
        }
    }

    /** The Quartz cluster's members (qrtz_scheduler_state) and the node holding the dispatcher's lease. */
    private static String schedulerNodes(SoakDatabase database) throws SQLException {
        try (Connection c = database.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT (SELECT count(*) FROM qrtz_scheduler_state),"
                     + " (SELECT node FROM scheduler_leader WHERE lease_expires_at > now())")) {
            rs.next();
            return rs.getLong(1) + " in the Quartz cluster, dispatcher " + rs.getString(2);
        }
    }

    /** The ten tables with the most rows written per job. */
    private static String rowsPerTable(DatabaseCounters before, DatabaseCounters after, double jobs) {
        return after.rowsPerTable().entrySet().stream()
                .map(e -> Map.entry(e.getKey(), e.getValue() - before.rowsPerTable().getOrDefault(e.getKey(), 0L)))
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())).limit(10)
                .map(e -> String.format("%s %.1f", e.getKey(), e.getValue() / jobs)).collect(Collectors.joining(", "));
    }

    private static long bytesUnder(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
