package dev.sdbot.bot.features.console;

import dev.sdbot.bot.cli.SdbotCommand;
import dev.sdbot.bot.http.ProcessHttp;
import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.CookieManager;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sdbot.bot.http.HttpTestSupport.config;
import static dev.sdbot.bot.http.HttpTestSupport.freePort;
import static dev.sdbot.bot.http.HttpTestSupport.get;
import static dev.sdbot.bot.features.console.ConsoleFixture.ADMINISTERED;
import static dev.sdbot.bot.features.console.ConsoleFixture.BOT_ABSENT;
import static dev.sdbot.bot.features.console.ConsoleFixture.INJECTED_NAME;
import static dev.sdbot.bot.features.console.ConsoleFixture.MANAGED;
import static dev.sdbot.bot.features.console.ConsoleFixture.NOT_MANAGED;
import static dev.sdbot.bot.features.console.ConsoleFixture.OTHER_GUILD_PROMPT;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The admin console on a real database and a real HTTP server, with Discord's OAuth2 played by {@link FakeDiscordOAuth}:
 * who gets in, what each login sees, and that nothing rendered can inject HTML.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class AdminConsoleTest {
    private static final String SECRET = "oauth-client-secret-value";
    private static final Pattern LINK_FILE = Pattern.compile("one-time admin link .* is in (\\S+) \\(readable by its owner only\\)");

    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.at(Instant.now());
    private FakeDiscordOAuth discord;
    private SdbotRuntime runtime;
    private TestDatabase db;
    private String base;
    private String adminLink;

    @BeforeEach
    void start(TestDatabase db) throws Exception {
        this.db = db;
        ConsoleFixture.seed(db);
        discord = new FakeDiscordOAuth("client-1", SECRET, "ada", List.of(
                new FakeDiscordOAuth.Guild(MANAGED, INJECTED_NAME, 0x20),
                new FakeDiscordOAuth.Guild(NOT_MANAGED, "Dogs", 0x400 | 0x800),
                new FakeDiscordOAuth.Guild(BOT_ABSENT, "Fish", 0x8),
                new FakeDiscordOAuth.Guild(ADMINISTERED, "Birds", 0x8)));
        int port = freePort();
        base = "http://127.0.0.1:" + port;
        runtime = SdbotRuntime.open(config(db, port, dir, Map.of("SDBOT_CONSOLE_CLIENT_ID", "client-1",
                "SDBOT_CONSOLE_CLIENT_SECRET", SECRET, "SDBOT_CONSOLE_PUBLIC_URL", base,
                "SDBOT_CONSOLE_OAUTH_URL", discord.apiUrl())), clock);
        StringWriter out = new StringWriter();
        ProcessHttp http = ProcessHttp.start(runtime, Set.of(), true, new PrintWriter(out)).orElseThrow();
        http.discordStarted(ConsoleFixture.bot());
        Matcher file = LINK_FILE.matcher(out.toString());
        assertThat(file.find()).as(out.toString()).isTrue();
        adminLink = Files.readString(Path.of(file.group(1))).trim();
        assertThat(adminLink).startsWith(base + "/console/admin?token=");
        assertThat(out.toString()).doesNotContain(SECRET, "token=");
        assertThat(runtime.config().toString()).doesNotContain(SECRET);
    }

    @AfterEach
    void stop() {
        runtime.close();
        discord.close();
    }

    private static HttpClient browser() {
        return HttpClient.newBuilder().cookieHandler(new CookieManager()).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    private static String location(HttpResponse<?> response) {
        return response.headers().firstValue("Location").orElseThrow(() -> new AssertionError("no redirect: " + response));
    }

    @Test
    void everyConsolePageRefusesARequestWithoutALogin() {
        for (String path : List.of("/console", "/console/guild/" + MANAGED, "/console/guild/" + MANAGED + "/usage.png")) {
            HttpResponse<String> response = get(browser(), base + path);
            assertThat(response.statusCode()).as(path).isEqualTo(401);
            assertThat(response.body()).as(path).contains("Login required", "href=\"/console/login\"").doesNotContain("a cat");
        }
        HttpResponse<String> forged = get(HttpClient.newHttpClient(), base + "/console");
        assertThat(forged.statusCode()).isEqualTo(401);
    }

    @Test
    void theOneTimeAdminLinkOpensASessionOnceAndSeesEveryGuildEscaped() throws Exception {
        HttpClient browser = browser();
        HttpResponse<String> redeemed = get(browser, adminLink);
        assertThat(redeemed.statusCode()).isEqualTo(302);
        assertThat(location(redeemed)).isEqualTo("/console");
        String cookie = redeemed.headers().allValues("Set-Cookie").stream().filter(c -> c.startsWith("sdbot_console="))
                .findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Path=/console", "Max-Age=");

        HttpResponse<String> overview = get(browser, base + "/console");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("script-src 'self'"));
        assertThat(overview.body()).contains("/console/guild/" + MANAGED + "\"", "/console/guild/" + NOT_MANAGED + "\"",
                        "/console/guild/" + BOT_ABSENT + "\"", "/console/guild/" + ADMINISTERED + "\"",
                        "<td>QUEUED</td><td>3</td>", "Cats &lt;img src=x onerror=alert(1)&gt;")
                .doesNotContain(INJECTED_NAME);

        HttpResponse<String> guild = get(browser, base + "/console/guild/" + MANAGED);
        assertThat(guild.statusCode()).isEqualTo(200);
        assertThat(guild.body()).contains("a cat &lt;script&gt;document.title='pwned'&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;",
                        "a quiet harbour", "<td>everyone (guild default)</td><td>25</td><td>120</td>",
                        "src=\"/console/guild/" + MANAGED + "/usage.png\"")
                .doesNotContain("<script>document", OTHER_GUILD_PROMPT);

        HttpResponse<byte[]> chart = browser.send(HttpRequest.newBuilder(URI.create(base + "/console/guild/" + MANAGED + "/usage.png"))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(chart.statusCode()).isEqualTo(200);
        assertThat(chart.headers().firstValue("Content-Type")).hasValue("image/png");
        assertThat(ImageIO.read(new ByteArrayInputStream(chart.body())).getWidth()).isEqualTo(900);

        HttpResponse<String> again = get(browser(), adminLink);
        assertThat(again.statusCode()).as("second use of the link").isEqualTo(403);
        assertThat(again.body()).contains("already used");
        assertThat(again.headers().allValues("Set-Cookie")).noneMatch(c -> c.startsWith("sdbot_console="));
    }

    @Test
    void aDiscordLoginSeesOnlyGuildsWithManageServerWhereTheBotIs() {
        HttpClient browser = browser();
        HttpResponse<String> login = get(browser, base + "/console/login");
        assertThat(login.statusCode()).isEqualTo(302);
        URI authorize = URI.create(location(login));
        assertThat(authorize.toString()).startsWith(discord.apiUrl() + "/oauth2/authorize?");
        assertThat(FakeDiscordOAuth.query(authorize)).containsEntry("client_id", "client-1")
                .containsEntry("redirect_uri", base + "/console/oauth/callback").containsEntry("scope", "identify guilds")
                .doesNotContainKey("client_secret");
        assertThat(authorize.toString()).doesNotContain(SECRET);

        HttpResponse<String> approved = get(browser, authorize.toString()); // the user clicks "Authorize"
        String callback = location(approved);
        assertThat(callback).startsWith(base + "/console/oauth/callback?code=");
        HttpResponse<String> loggedIn = get(browser, callback);
        assertThat(loggedIn.statusCode()).as(loggedIn.body()).isEqualTo(302);
        assertThat(location(loggedIn)).isEqualTo("/console");

        HttpResponse<String> overview = get(browser, base + "/console");
        assertThat(overview.statusCode()).isEqualTo(200);
        assertThat(overview.body()).contains("Signed in as ada", "/console/guild/" + MANAGED + "\"",
                        "/console/guild/" + ADMINISTERED + "\"", "<td>QUEUED</td><td>1</td>")
                .doesNotContain("/console/guild/" + NOT_MANAGED + "\"", "/console/guild/" + BOT_ABSENT + "\"");
        assertThat(get(browser, base + "/console/guild/" + MANAGED).body()).contains("a quiet harbour")
                .doesNotContain(OTHER_GUILD_PROMPT);
        for (long hidden : List.of(NOT_MANAGED, BOT_ABSENT)) {
            HttpResponse<String> refused = get(browser, base + "/console/guild/" + hidden);
            assertThat(refused.statusCode()).isEqualTo(403);
            assertThat(refused.body()).contains("Not your guild").doesNotContain(OTHER_GUILD_PROMPT);
            assertThat(get(browser, base + "/console/guild/" + hidden + "/usage.png").statusCode()).isEqualTo(403);
        }

        assertThat(get(browser, callback).statusCode()).as("the same login replayed").isEqualTo(400);
    }

    @Test
    void aCallbackThisBrowserDidNotStartIsRefused() {
        HttpClient victim = browser();
        HttpClient attacker = browser();
        String authorize = location(get(attacker, base + "/console/login"));
        String callback = location(get(attacker, authorize));
        HttpResponse<String> planted = get(victim, callback); // the attacker's code, in the victim's browser
        assertThat(planted.statusCode()).isEqualTo(400);
        assertThat(planted.body()).contains("The login attempt is unknown or expired");
        assertThat(get(victim, base + "/console").statusCode()).isEqualTo(401);
    }

    @Test
    void theConsoleHasNoStateChangingRoutes() throws Exception {
        HttpClient browser = browser();
        get(browser, adminLink);
        for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
            for (String path : List.of("/console", "/console/guild/" + MANAGED, "/console/admin")) {
                int status = browser.send(HttpRequest.newBuilder(URI.create(base + path)).method(method,
                        HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                assertThat(status).as(method + " " + path).isIn(404, 405);
            }
        }
    }

    private static HttpResponse<String> post(HttpClient browser, String url, String form) throws Exception {
        return browser.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String csrf(String page) {
        Matcher m = Pattern.compile("name=\"csrf\" value=\"([A-Za-z0-9_-]+)\"").matcher(page);
        assertThat(m.find()).as("a logout form with the session's token in:\n" + page).isTrue();
        return m.group(1);
    }

    /** Logs in through the fake Discord; returns the browser holding the session. */
    private HttpClient discordLogin() {
        HttpClient browser = browser();
        String callback = location(get(browser, location(get(browser, base + "/console/login"))));
        assertThat(get(browser, callback).statusCode()).isEqualTo(302);
        return browser;
    }

    @Test
    void unfinishedLoginsAreBoundedAndExpire() {
        HttpClient client = HttpClient.newHttpClient(); // no cookies: each GET starts another login
        for (int i = 0; i < 1000; i++) {
            assertThat(get(client, base + "/console/login").statusCode()).as("login " + i).isEqualTo(302);
        }
        HttpResponse<String> refused = get(client, base + "/console/login");
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(refused.body()).contains("Too many Discord logins were started and not finished");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();

        clock.advance(Duration.ofMinutes(10));
        HttpClient browser = browser();
        HttpResponse<String> login = get(browser, base + "/console/login");
        assertThat(login.statusCode()).as("the expired ones were dropped").isEqualTo(302);
        String callback = location(get(browser, location(login)));
        assertThat(get(browser, callback).statusCode()).isEqualTo(302);
        assertThat(get(browser, base + "/console").body()).contains("Signed in as ada");
    }

    @Test
    void logoutNeedsTheSessionsOwnTokenAndEndsTheSession() throws Exception {
        HttpClient browser = browser();
        get(browser, adminLink);
        HttpResponse<String> page = get(browser, base + "/console");
        assertThat(page.body()).contains("<form id=\"logout\" method=\"post\" action=\"/console/logout\">");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(
                csp -> assertThat(csp).contains("form-action 'self'"));
        String token = csrf(page.body());

        HttpClient other = discordLogin();
        String otherToken = csrf(get(other, base + "/console").body());
        for (String form : List.of("", "csrf=", "csrf=forged", "csrf=" + otherToken)) {
            HttpResponse<String> refused = post(browser, base + "/console/logout", form);
            assertThat(refused.statusCode()).as(form).isEqualTo(403);
            assertThat(refused.body()).contains("Logout refused");
            assertThat(get(browser, base + "/console").statusCode()).as("still logged in after " + form).isEqualTo(200);
        }

        HttpResponse<String> out = post(browser, base + "/console/logout", "csrf=" + token);
        assertThat(out.statusCode()).isEqualTo(200);
        assertThat(out.body()).contains("You are logged out");
        assertThat(out.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("sdbot_console=;") || c.contains("Max-Age=0"));
        assertThat(get(browser, base + "/console").statusCode()).isEqualTo(401);
        assertThat(get(other, base + "/console").statusCode()).as("the other session is untouched").isEqualTo(200);
    }

    @Test
    void aLostManageServerRightEndsTheGuildsViewWithinFiveMinutes() {
        HttpClient browser = discordLogin();
        assertThat(get(browser, base + "/console/guild/" + MANAGED).statusCode()).isEqualTo(200);
        int reads = discord.guildReads.get();

        discord.setGuilds(List.of(new FakeDiscordOAuth.Guild(MANAGED, INJECTED_NAME, 0x400),
                new FakeDiscordOAuth.Guild(ADMINISTERED, "Birds", 0x8)));
        clock.advance(Duration.ofMinutes(4));
        assertThat(get(browser, base + "/console/guild/" + MANAGED).statusCode()).as("rights are cached a few minutes")
                .isEqualTo(200);
        assertThat(discord.guildReads.get()).isEqualTo(reads);

        clock.advance(Duration.ofMinutes(1));
        HttpResponse<String> refused = get(browser, base + "/console/guild/" + MANAGED);
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(refused.body()).doesNotContain("a quiet harbour");
        assertThat(get(browser, base + "/console/guild/" + MANAGED + "/usage.png").statusCode()).isEqualTo(403);
        assertThat(get(browser, base + "/console").body()).doesNotContain("/console/guild/" + MANAGED + "\"")
                .contains("/console/guild/" + ADMINISTERED + "\"");

        discord.revokeTokens(); // the user removed the app's access in Discord
        clock.advance(Duration.ofMinutes(5));
        HttpResponse<String> ended = get(browser, base + "/console/guild/" + ADMINISTERED);
        assertThat(ended.statusCode()).isEqualTo(401);
        assertThat(ended.body()).contains("could not be re-checked with Discord");
        assertThat(get(browser, base + "/console").statusCode()).as("the session is gone").isEqualTo(401);
    }

    @Test
    void theStartLinkIsInAnOwnerOnlyFileAndExpires() throws Exception {
        Path file = dir.resolve("console-admin-link");
        assertThat(Files.getPosixFilePermissions(file)).containsExactlyInAnyOrder(
                java.nio.file.attribute.PosixFilePermission.OWNER_READ, java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);
        clock.advance(ConsoleSessions.ADMIN_LINK_VALIDITY);
        HttpResponse<String> late = get(browser(), adminLink);
        assertThat(late.statusCode()).isEqualTo(403);
        assertThat(late.body()).contains("./sdbot console-link");
    }

    /** {@code ./sdbot console-link ARGS} as an operator beside the running console; returns the link it printed. */
    private String consoleLink(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = SdbotCommand.commandLine(new SdbotCommand(Map.of("DATABASE_URL", db.jdbcUrl(), "DATABASE_USER", db.user(),
                "SDBOT_DATA_DIR", dir.toString(), "SDBOT_CONSOLE_PUBLIC_URL", base), dir.resolve("none.yaml")));
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        String[] command = new String[args.length + 1];
        command[0] = "console-link";
        System.arraycopy(args, 0, command, 1, args.length);
        assertThat(cli.execute(command)).as(err.toString()).isZero();
        Matcher link = Pattern.compile("(" + Pattern.quote(base) + "/console/admin\\?token=\\S+)").matcher(out.toString());
        assertThat(link.find()).as(out.toString()).isTrue();
        return link.group(1);
    }

    @Test
    void consoleLinkRevokeSessionsEndsEverySessionAndEveryUnusedLink() {
        HttpClient admin = browser();
        get(admin, adminLink);
        HttpClient ada = discordLogin();
        String unused = consoleLink();
        assertThat(get(admin, base + "/console").statusCode()).isEqualTo(200);

        String fresh = consoleLink("--revoke-sessions");
        for (HttpClient browser : List.of(admin, ada)) {
            HttpResponse<String> ended = get(browser, base + "/console");
            assertThat(ended.statusCode()).isEqualTo(401);
            assertThat(ended.body()).contains("An operator ended every console session");
        }
        assertThat(get(browser(), unused).statusCode()).as("a link minted before the revocation").isEqualTo(403);
        HttpClient operator = browser();
        assertThat(get(operator, fresh).statusCode()).isEqualTo(302);
        assertThat(get(operator, base + "/console").body()).contains("Signed in as admin (one-time link)");
    }
}
