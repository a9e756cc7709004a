package dev.sdbot.bot.cli;

import dev.sdbot.bot.discord.ShutdownGate;
import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.testkit.process.SdbotProcess;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sdbot start} with Discord (a child JVM whose JDA talks to the fake Discord in this JVM, through
 * SDBOT_DISCORD_API_URL / SDBOT_DISCORD_GATEWAY_URL) gets SIGTERM while its local worker runs an /imagine job: a
 * command arriving during the stop is answered "sdbot is restarting", the job finishes within the grace and its
 * result is posted before the process exits 0.
 */
class BotShutdownProcessTest {
    private static final int GRACE_SECONDS = 8;

    @TempDir
    Path dataDir;
    private FakeDiscord discord;

    @BeforeEach
    void startDiscord() throws Exception {
        discord = FakeDiscord.start();
    }

    @AfterEach
    void stopDiscord() throws Exception {
        discord.close();
    }

    @Test
    void aStoppingBotRefusesCommandsAndPostsTheResultThatFinishesDuringTheGraceBeforeExiting() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("SDBOT_DATA_DIR", dataDir.toString());
        env.put("SDBOT_CONFIG", dataDir.resolve("none.yaml").toString());
        env.put("DISCORD_TOKEN", FakeDiscord.BOT_TOKEN);
        env.put("SDBOT_DISCORD_API_URL", discord.apiBaseUrl());
        env.put("SDBOT_DISCORD_GATEWAY_URL", discord.gatewayUrl());
        env.put("SDBOT_TEST_PATTERN_STEP_MS", "400");
        env.put("SDBOT_SHUTDOWN_GRACE_SECONDS", Integer.toString(GRACE_SECONDS));
        FakeGuild guild = discord.guild();
        try (SdbotProcess bot = SdbotProcess.sdbot("start").environment(env).startAndAwait("Connected to Discord.")) {
            // 10 steps of 400 ms: still running at SIGTERM, done well within the grace
            FakeInteraction imagine = discord.slashCommand(guild.alice, guild.general, "imagine",
                    FakeDiscord.options("prompt", "finishes while sdbot stops", "steps", 10, "size", "512x512"));
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                    ProcessDatabase.queryLong(dataDir, "SELECT count(*) FROM jobs WHERE state = 'RUNNING'") == 1);
            long jobId = ProcessDatabase.queryLong(dataDir, "SELECT id FROM jobs");

            bot.terminate();
            bot.awaitLine("Stopping sdbot", Duration.ofSeconds(5));
            FakeInteraction queue = discord.slashCommand(guild.alice, guild.general, "queue", Map.of());
            await().atMost(Duration.ofSeconds(10)).until(() -> !discord.ephemerals(queue).isEmpty());
            assertThat(discord.ephemerals(queue).get(0).content()).isEqualTo(ShutdownGate.RESTARTING);

            assertThat(bot.awaitExit(Duration.ofSeconds(GRACE_SECONDS + 30))).as(bot.output()).isZero();
            System.out.println("bot stop: SIGTERM to exit " + bot.stopTime().toMillis() + " ms, grace " + GRACE_SECONDS + " s");
            assertThat(bot.stopTime()).as("from SIGTERM to exit").isLessThan(Duration.ofSeconds(GRACE_SECONDS + 6));
            assertThat(discord.original(imagine)).as("the result, posted before the exit")
                    .hasValueSatisfying(m -> assertThat(m.files()).isNotEmpty());
            // the database stopped with the process: what it recorded shows in the posted message's buttons
            assertThat(discord.original(imagine).orElseThrow().buttonIds()).contains("job:" + jobId + ":reroll");
        }
    }
}
