package dev.sdbot.loadtest;

import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Members of every fake guild typing {@code /imagine} in two channels each, at the plan's rate; job {@code i} has seed
 * {@code i}. A command the bot does not acknowledge (its process was down) or refuses (the database was down) is typed
 * again, as a member would, after
 * {@link #RETRY_AFTER}, with seed {@code i + k * jobs} for the k-th retry, so that every job has a seed of its own
 * (the generators' completion log is counted per seed).
 */
final class SoakSubmitter {
    static final Duration RETRY_AFTER = Duration.ofSeconds(10);
    private static final int MAX_TRIES = 30;

    /** One job the soak asked for, and every interaction it took. */
    static final class Submission {
        final int seed;
        final List<FakeInteraction> interactions = new CopyOnWriteArrayList<>();
        volatile long lastSentNanos;

        Submission(int seed) {
            this.seed = seed;
        }

        boolean acknowledged() {
            return interactions.stream().anyMatch(FakeInteraction::acknowledged);
        }

        /** Not acknowledged, or refused (an error such as "the database is unreachable" is ephemeral). */
        boolean unsettled(FakeDiscord discord) {
            if (interactions.isEmpty()) {
                return true;
            }
            FakeInteraction last = interactions.get(interactions.size() - 1);
            return !last.acknowledged() || !discord.ephemerals(last).isEmpty();
        }
    }

    private final int jobs;
    private final double rate;
    private final int steps;
    private final String size;
    private final FakeDiscord discord;
    private record Seat(FakeGuild.Member member, FakeGuild.Channel channel) {
    }

    private final List<Seat> seats = new ArrayList<>();
    final List<Submission> submissions = new CopyOnWriteArrayList<>();

    SoakSubmitter(SoakPlan plan, FakeDiscord discord) {
        this(plan.jobs(), plan.rate(), plan.steps(), "64x64", discord);
    }

    /** {@code jobs} commands at {@code rate} per second, of {@code steps} steps at {@code size} ("512x512"). */
    SoakSubmitter(int jobs, double rate, int steps, String size, FakeDiscord discord) {
        this.jobs = jobs;
        this.rate = rate;
        this.steps = steps;
        this.size = size;
        this.discord = discord;
        // guild innermost: consecutive jobs come from different guilds (and so shards), however few jobs there are
        for (int member = 0; member < 4; member++) {
            for (boolean ageRestricted : new boolean[]{false, true}) {
                for (FakeGuild guild : discord.guilds()) {
                    FakeGuild.Member m = List.of(guild.alice, guild.bob, guild.moderator, guild.admin).get(member);
                    seats.add(new Seat(m, ageRestricted ? guild.ageRestricted : guild.general));
                }
            }
        }
    }

    /** Submits every job at the plan's pace, retrying unacknowledged and refused ones meanwhile. */
    void run() throws InterruptedException {
        long intervalNanos = (long) (1e9 / rate);
        long next = System.nanoTime();
        for (int i = 0; i < jobs; i++) {
            Submission s = new Submission(i);
            submissions.add(s);
            send(s, i);
            next += intervalNanos;
            if (i % 20 == 0) {
                retryUnsettled();
            }
            long sleep = next - System.nanoTime();
            if (sleep > 0) {
                Thread.sleep(sleep / 1_000_000, (int) (sleep % 1_000_000));
            }
        }
    }

    /** Retries until every submission was acknowledged and not refused, or the timeout. */
    void settle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && submissions.stream().anyMatch(s -> s.unsettled(discord))) {
            retryUnsettled();
            Thread.sleep(500);
        }
    }

    long retries() {
        return submissions.stream().mapToLong(s -> Math.max(0, s.interactions.size() - 1)).sum();
    }

    private void retryUnsettled() {
        long now = System.nanoTime();
        for (Submission s : submissions) {
            if (now - s.lastSentNanos > RETRY_AFTER.toNanos() && s.interactions.size() < MAX_TRIES && s.unsettled(discord)) {
                send(s, s.seed + s.interactions.size());
            }
        }
    }

    private void send(Submission s, int variant) {
        Seat seat = seats.get(variant % seats.size());
        s.lastSentNanos = System.nanoTime();
        try {
            long seed = s.seed + (long) s.interactions.size() * jobs;
            s.interactions.add(discord.slashCommand(seat.member(), seat.channel(), "imagine", FakeDiscord.options(
                    "prompt", "soak job " + s.seed, "seed", seed, "steps", (long) steps, "size", size)));
        } catch (IllegalStateException e) { // no gateway session yet: retried like an unacknowledged one
            if (s.interactions.isEmpty()) {
                s.lastSentNanos = 0;
            }
        }
    }
}
