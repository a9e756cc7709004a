package dev.sdbot.bot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.fake.FakeInteraction;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.JobLogContext;
import dev.sdbot.testkit.process.SdbotProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code sdbot start} as a real process with {@code SDBOT_LOG_FORMAT=json}, connected to the fake Discord and to a
 * PostgreSQL database with a password, serving the admin console with a Discord OAuth2 client secret: every line it logs
 * is a JSON object, the lines of a job carry its job id, guild and worker, and neither the Discord token, the database
 * password nor the OAuth2 client secret appears anywhere in what it writes.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class JsonLogProcessTest {
    private static final String TOKEN = "MTE5.discord-token-SECRET-7d1f3c";
    private static final String PASSWORD = "db-password-SECRET-42ab9e";
    private static final String OAUTH_SECRET = "oauth-client-SECRET-9c0e51";
    private static final String WORKER = "gpu-json";

    @TempDir
    Path dataDir;

    private SdbotProcess launch(Map<String, String> env, String... args) throws IOException {
        // the production logging configuration, not the tests' logback-test.xml
        return SdbotProcess.sdbot(args).jvmOptions("-Dlogback.configurationFile=logback.xml").separateStderr()
                .environment("SDBOT_DATA_DIR", dataDir.toString())
                .environment("SDBOT_CONFIG", dataDir.resolve("none.yaml").toString()).environment(env).start();
    }

    @Test
    void everyLineIsJsonTheJobsLinesNameItAndNoSecretIsWritten(TestDatabase db) throws Exception {
        String role = "sdbot_logs_" + System.nanoTime();
        db.update("CREATE ROLE " + role + " LOGIN PASSWORD '" + PASSWORD + "'");
        db.update("CREATE DATABASE " + role + " OWNER " + role);
        String url = db.jdbcUrl().replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + role);
        url += (url.contains("?") ? "&" : "?") + "password=" + PASSWORD; // some put it in the URL too

        try (FakeDiscord discord = FakeDiscord.start()) {
            SdbotProcess bot = launch(Map.ofEntries(
                    Map.entry("SDBOT_LOG_FORMAT", "json"),
                    Map.entry("DISCORD_TOKEN", TOKEN),
                    Map.entry("DATABASE_URL", url),
                    Map.entry("DATABASE_USER", role),
                    Map.entry("DATABASE_PASSWORD", PASSWORD),
                    Map.entry("SDBOT_DISCORD_API_URL", discord.apiBaseUrl()),
                    Map.entry("SDBOT_DISCORD_GATEWAY_URL", discord.gatewayUrl()),
                    Map.entry("SDBOT_GENERATOR", "test-pattern"),
                    Map.entry("SDBOT_TEST_PATTERN_STEP_MS", "20"),
                    Map.entry("SDBOT_WORKER_ID", WORKER),
                    Map.entry("SDBOT_HTTP_PORT", Integer.toString(dev.sdbot.bot.http.HttpTestSupport.freePort())),
                    Map.entry("SDBOT_CONSOLE_CLIENT_ID", "1234567890"),
                    Map.entry("SDBOT_CONSOLE_CLIENT_SECRET", OAUTH_SECRET),
                    Map.entry("SDBOT_CONSOLE_PUBLIC_URL", "http://127.0.0.1")), "start");
            try {
                bot.awaitLine("Connected to Discord", SdbotProcess.READY_TIMEOUT);

                // the test pattern is posted as it is (no model drew it): its result reaches the channel
                FakeInteraction imagine = discord.slashCommand(discord.guild().alice, discord.guild().general, "imagine",
                        FakeDiscord.options("prompt", "a logged lighthouse", "steps", 2));
                await().atMost(Duration.ofSeconds(60)).until(() -> discord.original(imagine)
                        .filter(m -> !m.files().isEmpty() && !m.buttonIds().isEmpty()).isPresent());
                long jobId = Long.parseLong(discord.original(imagine).orElseThrow().buttonIds().get(0).split(":")[1]);
                bot.awaitLine("job " + jobId + " posted", Duration.ofSeconds(10));

                ObjectMapper json = new ObjectMapper();
                List<JsonNode> events = new ArrayList<>();
                for (String line : bot.stderr()) {
                    events.add(json.readTree(line)); // throws on a line that is not JSON
                }
                assertThat(bot.stdout()).as("the launcher's own lines, not logback's").allMatch(l -> !l.contains("logback"));
                assertThat(events).allSatisfy(e -> assertThat(e.isObject() && e.has("level") && e.has("formattedMessage"))
                        .as(e.toString()).isTrue());
                List<JsonNode> jobLines = events.stream()
                        .filter(e -> Long.toString(jobId).equals(e.path("mdc").path(JobLogContext.JOB).asText())).toList();
                assertThat(jobLines).extracting(e -> e.path("loggerName").asText())
                        .as("the worker's and the bot's lines about the job")
                        .contains("dev.sdbot.scheduler.worker.WorkerRuntime", "dev.sdbot.bot.features.results.ResultPoster");
                assertThat(jobLines).allSatisfy(e -> {
                    assertThat(e.path("mdc").path(JobLogContext.GUILD).asText()).isEqualTo(Long.toString(discord.guild().id));
                    assertThat(e.path("mdc").path(JobLogContext.WORKER).asText()).isEqualTo(WORKER);
                });
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("sdbot wrote:\n" + bot.output(), e);
            } finally {
                bot.terminate();
                bot.awaitExit(Duration.ofSeconds(60));
            }
            String everything = bot.output();
            assertThat(everything).contains("Admin console") // the console ran, with the secret
                    .doesNotContain(TOKEN).doesNotContain(PASSWORD).doesNotContain(OAUTH_SECRET);
        }
    }

    @Test
    void anUnknownLogFormatIsAStartErrorThatSaysWhichFormatsExist() throws Exception {
        SdbotProcess version = launch(Map.of("SDBOT_LOG_FORMAT", "xml"), "version");
        assertThat(version.awaitExit(Duration.ofSeconds(60))).isEqualTo(SdbotCommand.EXIT_BAD_ENVIRONMENT);
        assertThat(version.stderr()).containsExactly("error: SDBOT_LOG_FORMAT must be 'text' or 'json', not 'xml'");
        assertThat(version.stdout()).isEmpty();
    }
}
