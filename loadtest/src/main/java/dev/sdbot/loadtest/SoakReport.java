package dev.sdbot.loadtest;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The soak's verdict, from the database, the fake Discord's channels and the generators' completion log.
 *
 * @param lost        jobs not in an end state, posted jobs whose result is in no channel, commands the bot answered
 *                    publicly without a job behind them, and commands it never acknowledged however often typed
 * @param duplicated  jobs whose generation ran to completion twice where no fault explains it (see {@link FaultLog})
 * @param reExecuted  jobs whose generation ran to completion more than once, faults included (at-least-once)
 * @param perWorker   jobs per worker that ran them last (the skewed worker must not be starved)
 * @param unanswered  commands acknowledged but never answered (the bot's process died between the two)
 */
record SoakReport(long submitted, long jobs, long lost, long duplicated, long reExecuted, long postedTwice,
                  double jobsPerSecond, double p99WaitSeconds, double p99PostedSeconds, Map<String, Long> states,
                  Map<String, Long> perWorker, long unanswered, long refused, Map<String, Long> refusals, long retries) {
    static final Set<String> END_STATES = Set.of("POSTED", "CANCELLED", "FAILED", "BLOCKED");

    boolean passed() {
        return lost == 0 && duplicated == 0 && postedTwice == 0;
    }

    void print(PrintWriter out) {
        out.println("states          " + states);
        out.println("per worker      " + perWorker + " (soak-worker-2 is the one whose clock is off)");
        out.println("submitted " + submitted + " commands: " + jobs + " became jobs, " + unanswered + " unanswered, " + refused + " refused");
        out.println("jobs " + jobs);
        out.println("lost " + lost);
        out.println("duplicated " + duplicated);
        out.println("posted-twice " + postedTwice);
        out.printf("jobs/s %.1f%n", jobsPerSecond);
        out.printf("p99 wait %.1f s%n", p99WaitSeconds);
        out.printf("p99 posted %.1f s (command to result in the channel)%n", p99PostedSeconds);
        out.println("re-executed " + reExecuted + " (generation finished again after a SIGKILL or the database restart)");
        out.println("unanswered " + unanswered + " (acknowledged by a bot process that then died), refused " + refused
                + ", commands typed again " + retries);
        refusals.forEach((text, n) -> out.println("refused " + n + ": " + text));
        out.flush();
    }

    static SoakReport collect(SoakDatabase database, FakeDiscord discord, List<SoakSubmitter.Submission> submissions,
                              Path completionLog, FaultLog faults, long leaseMillis, long retries)
            throws SQLException, IOException {
        JobTable table = JobTable.read(database);
        Map<Long, Integer> postsPerJob = postsPerJob(discord);
        long postedTwice = postsPerJob.values().stream().filter(n -> n > 1).count();
        long postedNowhere = table.postedJobs.stream().filter(id -> !postsPerJob.containsKey(id)).count();
        long notEnded = table.states.entrySet().stream().filter(e -> !END_STATES.contains(e.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
        Commands commands = Commands.of(submissions, table.interactionsWithJobs, discord);
        CompletionLog.Counts runs = CompletionLog.count(completionLog, faults, leaseMillis);
        return new SoakReport(submissions.size(), table.jobs, notEnded + postedNowhere + commands.lostCommands,
                runs.duplicated(), runs.reExecuted(), postedTwice, table.jobsPerSecond, table.p99Wait, table.p99Posted,
                table.states, table.perWorker, commands.unanswered, commands.refused, commands.refusals, retries);
    }

    /** What the jobs table says at the end. */
    private record JobTable(Map<String, Long> states, Map<String, Long> perWorker, Set<Long> interactionsWithJobs, Set<Long> postedJobs, long jobs,
                            double jobsPerSecond, double p99Wait, double p99Posted) {
        static JobTable read(SoakDatabase database) throws SQLException {
            Map<String, Long> states = new TreeMap<>();
            Set<Long> interactionsWithJobs = new HashSet<>();
            Set<Long> postedJobs = new HashSet<>();
            Map<String, Long> perWorker = new TreeMap<>();
            try (Connection c = database.connect(); Statement st = c.createStatement()) {
                try (ResultSet rs = st.executeQuery("SELECT interaction_id, id, state, worker_id FROM jobs")) {
                    while (rs.next()) {
                        interactionsWithJobs.add(rs.getLong(1));
                        states.merge(rs.getString(3), 1L, Long::sum);
                        perWorker.merge(String.valueOf(rs.getString(4)), 1L, Long::sum);
                        if ("POSTED".equals(rs.getString(3))) {
                            postedJobs.add(rs.getLong(2));
                        }
                    }
                }
                try (ResultSet rs = st.executeQuery("SELECT count(*),"
                        + " extract(epoch FROM max(coalesce(posted_at, finished_at)) - min(created_at)),"
                        + " percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM started_at - created_at)),"
                        + " percentile_cont(0.99) WITHIN GROUP (ORDER BY extract(epoch FROM posted_at - created_at)) FROM jobs")) {
                    rs.next();
                    long jobs = rs.getLong(1);
                    return new JobTable(states, perWorker, interactionsWithJobs, postedJobs, jobs, jobs / Math.max(1e-3, rs.getDouble(2)),
                            rs.getDouble(3), rs.getDouble(4));
                }
            }
        }
    }

    /**
     * What became of the commands without a job: lost (never acknowledged, or answered publicly without a job),
     * unanswered (acknowledged, then nothing) or refused.
     */
    private record Commands(long lostCommands, long unanswered, long refused, Map<String, Long> refusals) {
        static Commands of(List<SoakSubmitter.Submission> submissions, Set<Long> interactionsWithJobs, FakeDiscord discord) {
            long lostCommands = 0;
            long unanswered = 0;
            long refused = 0;
            Map<String, Long> refusals = new TreeMap<>();
            for (SoakSubmitter.Submission s : submissions) {
                List<FakeInteraction> acknowledged = s.interactions.stream().filter(FakeInteraction::acknowledged).toList();
                if (acknowledged.isEmpty()) {
                    lostCommands++; // the bot never answered the member, however often they typed the command
                } else if (acknowledged.stream().anyMatch(i -> interactionsWithJobs.contains(i.id()))) {
                    continue;
                } else if (acknowledged.stream().anyMatch(i -> !discord.ephemerals(i).isEmpty())) {
                    refused++;
                    acknowledged.stream().flatMap(i -> discord.ephemerals(i).stream()).findFirst()
                            .ifPresent(m -> refusals.merge(m.content(), 1L, Long::sum));
                } else if (acknowledged.stream().anyMatch(i -> discord.original(i).filter(m -> !m.loading()).isPresent())) {
                    lostCommands++;
                } else {
                    unanswered++;
                }
            }
            return new Commands(lostCommands, unanswered, refused, refusals);
        }
    }

    /** Messages in the fake's channels per job id they carry (in their button ids, job:<id>:<action>). */
    static Map<Long, Integer> postsPerJob(FakeDiscord discord) {
        Map<Long, Integer> posts = new HashMap<>();
        for (FakeGuild guild : discord.guilds()) {
            for (FakeGuild.Channel channel : guild.channels()) {
                for (FakeMessage message : discord.visibleMessages(channel)) {
                    message.buttonIds().stream().filter(id -> id.startsWith("job:")).map(id -> Long.parseLong(id.split(":")[1]))
                            .distinct().forEach(job -> posts.merge(job, 1, Integer::sum));
                }
            }
        }
        return posts;
    }
}
