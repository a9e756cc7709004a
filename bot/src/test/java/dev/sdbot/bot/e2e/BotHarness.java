package dev.sdbot.bot.e2e;

import dev.sdbot.bot.DiscordBot;
import dev.sdbot.bot.discord.DiscordSettings;
import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.fake.FakeMessage;
import dev.sdbot.bot.features.imagine.ImagineDefaults;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.Sampler;
import dev.sdbot.scheduler.JobEvents;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.ShardRange;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.testing.MutableClock;
import dev.sdbot.scheduler.worker.TestPatternGenerator;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.awaitility.Awaitility.await;

/**
 * Everything an end-to-end test needs, as separate processes would have it: the fake Discord, the
 * real bot (JDA) on its own pool and LISTEN connection, a scheduler node and a worker with the
 * test-pattern generator, all on one embedded PostgreSQL database and one shiftable clock.
 */
final class BotHarness implements AutoCloseable {
    static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);
    static final ImagineDefaults DEFAULTS = new ImagineDefaults(TestPatternGenerator.MODEL, Sampler.EULER_A, 4, 7.0,
            64, 64, "", 768L * 768);

    final TestDatabase db;
    final MutableClock clock = MutableClock.ofSystem();
    final JobSystem system;
    final FakeDiscord discord;
    /** The bot's meters, in the registry a process serves at /metrics. */
    final PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private DiscordBot bot;
    private JobEvents botEvents;

    BotHarness(TestDatabase db, Duration stepDelay, int workerSlots) throws Exception {
        this(db, new ReviewingGenerator(new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL), stepDelay)), workerSlots);
    }

    /** A harness whose worker runs the given generator (the real engine, for instance). */
    BotHarness(TestDatabase db, ImageGenerator generator, int workerSlots) throws Exception {
        this(db, generator, workerSlots, JobSystem.imagesOf(db));
    }

    /** A harness whose bot, scheduler node and worker keep images in the given store. */
    BotHarness(TestDatabase db, ImageGenerator generator, int workerSlots, ImageStore images) throws Exception {
        this.db = db;
        this.system = new JobSystem(db, JobSystem.FAST, clock, images);
        system.startNode();
        system.startWorker("worker-1", workerSlots, generator);
        this.discord = FakeDiscord.start();
        startBot();
    }

    JobService jobs() {
        return system.jobs();
    }

    void startBot() throws InterruptedException {
        botEvents = new JobEvents(db.newPool(2), "bot").start();
        bot = startDiscordBot(ShardRange.ALL, botEvents);
    }

    /**
     * Another bot process's Discord side on the given shards (its own JDA, pool and LISTEN connection); closing it
     * stops both.
     */
    AutoCloseable startBotProcess(ShardRange shards) throws InterruptedException {
        JobEvents events = new JobEvents(db.newPool(2), "bot-" + shards).start();
        DiscordBot process = startDiscordBot(shards, events);
        return () -> {
            process.close();
            events.close();
        };
    }

    private DiscordBot startDiscordBot(ShardRange shards, JobEvents events) throws InterruptedException {
        DiscordSettings settings = new DiscordSettings(FakeDiscord.BOT_TOKEN, URI.create(discord.apiBaseUrl()),
                URI.create(discord.gatewayUrl()), shards);
        return DiscordBot.start(settings, system.jobs(), events, db.newPool(8), db.sessionFactory(), clock,
                new DiscordBot.Options(DEFAULTS, PROGRESS_INTERVAL, Duration.ofSeconds(1)), meters);
    }

    /** Starts the bot again if a failed test left it stopped. */
    void ensureBotRunning() throws InterruptedException {
        if (bot == null) {
            startBot();
        }
    }

    void stopBot() {
        bot.close();
        botEvents.close();
        bot = null;
    }

    FakeInteraction imagine(dev.sdbot.testkit.fake.FakeGuild.Member user, dev.sdbot.testkit.fake.FakeGuild.Channel channel,
                            Object... options) {
        return discord.slashCommand(user, channel, "imagine", FakeDiscord.options(options));
    }

    /** Waits for the interaction's reply to become a result (files and buttons). */
    FakeMessage awaitResult(FakeInteraction interaction) {
        await().atMost(Duration.ofSeconds(60)).until(() -> discord.original(interaction)
                .filter(m -> !m.files().isEmpty() && !m.buttonIds().isEmpty() && !m.deleted()).isPresent());
        return discord.original(interaction).orElseThrow();
    }

    /** Waits for an ephemeral message of the interaction and returns its text. */
    String awaitEphemeral(FakeInteraction interaction) {
        await().atMost(Duration.ofSeconds(30)).until(() -> !discord.ephemerals(interaction).isEmpty()
                && !discord.ephemerals(interaction).get(0).loading());
        return discord.ephemerals(interaction).get(0).content();
    }

    long jobIdOf(FakeMessage result) {
        return Long.parseLong(result.buttonIds().get(0).split(":")[1]);
    }

    JobState state(long jobId) {
        return jobs().find(jobId).orElseThrow().state();
    }

    long jobCount() {
        return db.queryLong("SELECT count(*) FROM jobs");
    }

    static Map<String, Object> none() {
        return Map.of();
    }

    @Override
    public void close() throws Exception {
        if (bot != null) {
            stopBot();
        }
        system.close();
        discord.close();
    }
}
