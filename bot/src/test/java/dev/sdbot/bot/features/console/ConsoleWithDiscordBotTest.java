package dev.sdbot.bot.features.console;

import dev.sdbot.bot.JdaDiscordStarter;
import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.bot.http.ProcessHttp;
import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.db.store.BotGuildStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.CookieManager;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static dev.sdbot.bot.http.HttpTestSupport.config;
import static dev.sdbot.bot.http.HttpTestSupport.freePort;
import static dev.sdbot.bot.http.HttpTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The real Discord adapter (JDA against the fake Discord): /ready waits for it, and a Discord login sees a guild only
 * where the bot really is (JDA's guild cache), not one the user manages without the bot.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class ConsoleWithDiscordBotTest {
    @TempDir
    Path dir;

    @Test
    void readyOnceTheBotIsConnectedAndTheLoginSeesOnlyGuildsTheBotIsIn(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, quota_rules, guild_settings CASCADE");
        FakeDiscord discord = FakeDiscord.start();
        long withoutBot = 987654321L;
        long onOtherShards = 555000111L;
        long ofADeadProcess = 555000222L;
        // another bot process (shards 1-1/2) serves one guild; a process that stopped heartbeating served another
        db.update("DELETE FROM bot_guilds");
        BotGuildStore otherProcess = new BotGuildStore(db.dataSource());
        otherProcess.publish("shards 1-1/2 other", Map.of(onOtherShards, "Other shards"));
        otherProcess.publish("shards 1-1/2 dead", Map.of(ofADeadProcess, "Gone"));
        db.update("UPDATE bot_guilds SET seen_at = now() - interval '10 minutes' WHERE process_id = 'shards 1-1/2 dead'");
        try (FakeDiscordOAuth oauth = new FakeDiscordOAuth("client-1", "secret-1", "ada", List.of(
                new FakeDiscordOAuth.Guild(discord.guild().id, discord.guild().name(), DiscordOAuth.MANAGE_GUILD),
                new FakeDiscordOAuth.Guild(discord.otherGuild().id, discord.otherGuild().name(), 0),
                new FakeDiscordOAuth.Guild(withoutBot, "Elsewhere", DiscordOAuth.ADMINISTRATOR),
                new FakeDiscordOAuth.Guild(onOtherShards, "Other shards", DiscordOAuth.MANAGE_GUILD),
                new FakeDiscordOAuth.Guild(ofADeadProcess, "Gone", DiscordOAuth.MANAGE_GUILD)))) {
            int port = freePort();
            String base = "http://127.0.0.1:" + port;
            try (SdbotRuntime runtime = SdbotRuntime.open(config(db, port, dir, Map.of("DISCORD_TOKEN", FakeDiscord.BOT_TOKEN,
                    "SDBOT_DISCORD_API_URL", discord.apiBaseUrl(), "SDBOT_DISCORD_GATEWAY_URL", discord.gatewayUrl(),
                    "SDBOT_CONSOLE_CLIENT_ID", "client-1", "SDBOT_CONSOLE_CLIENT_SECRET", "secret-1",
                    "SDBOT_CONSOLE_PUBLIC_URL", base, "SDBOT_CONSOLE_OAUTH_URL", oauth.apiUrl())), Clock.systemUTC())) {
                ProcessHttp http = ProcessHttp.start(runtime, Set.of(ProcessHttp.Role.DISCORD), true,
                        new PrintWriter(new StringWriter())).orElseThrow();
                HttpResponse<String> before = get(base + "/ready");
                assertThat(before.statusCode()).isEqualTo(503);
                assertThat(before.body()).contains("\"discord\":\"not connected to Discord yet\"");

                AutoCloseable bot = new JdaDiscordStarter().start(runtime);
                runtime.own(bot);
                http.discordStarted(bot);
                HttpResponse<String> after = get(base + "/ready");
                assertThat(after.body()).isEqualTo("{\"ready\":true,\"notReady\":{}}");
                assertThat(after.statusCode()).isEqualTo(200);

                HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                        .followRedirects(HttpClient.Redirect.NORMAL).build();
                HttpResponse<String> console = get(browser, base + "/console/login"); // → fake authorize → callback → /console
                assertThat(console.statusCode()).as(console.body()).isEqualTo(200);
                assertThat(console.body()).contains("Signed in as ada", "/console/guild/" + discord.guild().id + "\"")
                        .doesNotContain("/console/guild/" + discord.otherGuild().id + "\"", "/console/guild/" + withoutBot + "\"");
                assertThat(console.body()).as("a guild of another process's shards; not one of a process that is gone")
                        .contains("/console/guild/" + onOtherShards + "\"").doesNotContain("/console/guild/" + ofADeadProcess + "\"");
                assertThat(get(browser, base + "/console/guild/" + onOtherShards).statusCode()).isEqualTo(200);
                assertThat(get(browser, base + "/console/guild/" + ofADeadProcess).statusCode()).isEqualTo(403);
                assertThat(db.queryLong("SELECT count(*) FROM bot_guilds WHERE guild_id = ? AND process_id LIKE 'shards %'",
                        discord.guild().id)).as("this process published its guild").isEqualTo(1);
            }
        } finally {
            discord.close();
        }
    }
}
