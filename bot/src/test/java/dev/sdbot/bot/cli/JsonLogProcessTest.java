package dev.sdbot.bot.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sdbot.bot.fake.FakeDiscord;
import dev.sdbot.bot.fake.FakeInteraction;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.JobLogContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

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

    /** The child's output, one stream. */
    private static final class Lines {
        private final List<String> lines = new ArrayList<>();

        Lines pump(InputStream stream) {
            BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8));
            Thread pump = new Thread(() -> {
                try {
                    reader.lines().forEach(this::add);
                } catch (java.io.UncheckedIOException closed) {
                    // the process was stopped and its stream closed: everything it wrote was read
                }
            });
            pump.setDaemon(true);
            pump.start();
            return this;
        }

        private synchronized void add(String line) {
            lines.add(line);
        }

        synchronized List<String> all() {
            return List.copyOf(lines);
        }

        boolean contains(String text) {
            return all().stream().anyMatch(l -> l.contains(text));
        }
    }

    private Process launch(Map<String, String> env, String... args) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                // the production logging configuration, not the tests' logback-test.xml
                "-Dlogback.configurationFile=logback.xml", SdbotCommand.class.getName()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> k.startsWith("SDBOT_") || k.startsWith("DATABASE_") || k.equals("DISCORD_TOKEN"));
        pb.environment().put("SDBOT_DATA_DIR", dataDir.toString());
        pb.environment().put("SDBOT_CONFIG", dataDir.resolve("none.yaml").toString());
        pb.environment().putAll(env);
        return pb.start();
    }

    @Test
    void everyLineIsJsonTheJobsLinesNameItAndNoSecretIsWritten(TestDatabase db) throws Exception {
        String role = "sdbot_logs_" + System.nanoTime();
        db.update("CREATE ROLE " + role + " LOGIN PASSWORD '" + PASSWORD + "'");
        db.update("CREATE DATABASE " + role + " OWNER " + role);
        String url = db.jdbcUrl().replaceFirst("(jdbc:postgresql://[^/]+/)[^?]*", "$1" + role);
        url += (url.contains("?") ? "&" : "?") + "password=" + PASSWORD; // some put it in the URL too

        try (FakeDiscord discord = FakeDiscord.start()) {
            Process bot = launch(Map.ofEntries(
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
            Lines out = new Lines().pump(bot.getInputStream());
            Lines err = new Lines().pump(bot.getErrorStream());
            try {
                await().atMost(Duration.ofSeconds(120)).until(() -> out.contains("Connected to Discord") || !bot.isAlive());
                assertThat(bot.isAlive()).as(String.join("\n", out.all()) + String.join("\n", err.all())).isTrue();

                // the test pattern has no safety checker: blurred images of it are posted, so its result is
                FakeInteraction policy = discord.slashCommand(discord.guild().moderator, discord.guild().general, "mod nsfw set",
                        FakeDiscord.options("policy", "blur"));
                await().atMost(Duration.ofSeconds(30)).until(() -> discord.ephemerals(policy).stream()
                        .anyMatch(m -> m.content().startsWith("✅")));
                FakeInteraction imagine = discord.slashCommand(discord.guild().alice, discord.guild().general, "imagine",
                        FakeDiscord.options("prompt", "a logged lighthouse", "steps", 2));
                await().atMost(Duration.ofSeconds(60)).until(() -> discord.original(imagine)
                        .filter(m -> !m.files().isEmpty() && !m.buttonIds().isEmpty()).isPresent());
                long jobId = Long.parseLong(discord.original(imagine).orElseThrow().buttonIds().get(0).split(":")[1]);
                await().atMost(Duration.ofSeconds(10)).until(() -> err.contains("job " + jobId + " posted"));

                ObjectMapper json = new ObjectMapper();
                List<JsonNode> events = new ArrayList<>();
                for (String line : err.all()) {
                    events.add(json.readTree(line)); // throws on a line that is not JSON
                }
                assertThat(out.all()).as("the launcher's own lines, not logback's").allMatch(l -> !l.contains("logback"));
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
                throw new AssertionError("sdbot wrote:\n" + String.join("\n", out.all()) + "\n" + String.join("\n", err.all()), e);
            } finally {
                bot.destroy();
                assertThat(bot.waitFor(60, TimeUnit.SECONDS)).isTrue();
            }
            String everything = String.join("\n", out.all()) + "\n" + String.join("\n", err.all());
            assertThat(everything).contains("Admin console") // the console ran, with the secret
                    .doesNotContain(TOKEN).doesNotContain(PASSWORD).doesNotContain(OAUTH_SECRET);
        }
    }

    @Test
    void anUnknownLogFormatIsAStartErrorThatSaysWhichFormatsExist() throws Exception {
        Process version = launch(Map.of("SDBOT_LOG_FORMAT", "xml"), "version");
        Lines out = new Lines().pump(version.getInputStream());
        Lines err = new Lines().pump(version.getErrorStream());
        assertThat(version.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(version.exitValue()).isEqualTo(SdbotCommand.EXIT_BAD_ENVIRONMENT);
        await().atMost(Duration.ofSeconds(5)).until(() -> err.contains("SDBOT_LOG_FORMAT"));
        assertThat(err.all()).containsExactly("error: SDBOT_LOG_FORMAT must be 'text' or 'json', not 'xml'");
        assertThat(out.all()).isEmpty();
    }
}
