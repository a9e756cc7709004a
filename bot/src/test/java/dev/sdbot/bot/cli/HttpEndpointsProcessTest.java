package dev.sdbot.bot.cli;

import dev.sdbot.bot.http.HttpTestSupport;
import dev.sdbot.testkit.process.SdbotProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.CookieManager;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.sdbot.bot.http.HttpTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code ./sdbot start --no-worker} with SDBOT_HTTP_PORT as a real process: health, readiness, metrics, the console
 * link (in an owner-only file, never in the output) and {@code ./sdbot console-link} beside it.
 */
class HttpEndpointsProcessTest {
    @TempDir
    Path dataDir;

    private Map<String, String> environment(int port) {
        Map<String, String> env = new HashMap<>();
        env.put("SDBOT_DATA_DIR", dataDir.toString());
        env.put("SDBOT_CONFIG", dataDir.resolve("none.yaml").toString());
        env.put("SDBOT_HTTP_PORT", Integer.toString(port));
        return env;
    }

    @Test
    void startServesHealthReadyMetricsAndTheConsoleLink() throws Exception {
        int port = HttpTestSupport.freePort();
        String base = "http://127.0.0.1:" + port;
        SdbotProcess node = SdbotProcess.sdbot("start", "--no-worker").environment(environment(port))
                .startAndAwait(StartCommand.READY);
        try {
            String printed = node.output();
            assertThat(printed).contains("HTTP on " + base + ": /health, /ready, /metrics, /console");

            assertThat(get(base + "/health").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                HttpResponse<String> ready = get(base + "/ready");
                assertThat(ready.body()).isEqualTo("{\"ready\":true,\"notReady\":{}}");
                assertThat(ready.statusCode()).isEqualTo(200);
            });
            HttpResponse<String> metrics = get(base + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.body()).contains("jvm_memory_used_bytes", "process_uptime_seconds");

            // the start's admin link: in an owner-only file of the data directory, never in the output (logs)
            Matcher where = Pattern.compile("one-time admin link .* is in (\\S+) \\(readable by its owner only\\)").matcher(printed);
            assertThat(where.find()).as(printed).isTrue();
            Path file = Path.of(where.group(1));
            assertThat(file).isEqualTo(dataDir.resolve("console-admin-link").toAbsolutePath());
            assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            String link = Files.readString(file).trim();
            assertThat(link).startsWith(base + "/console/admin?token=");
            String token = link.substring(link.indexOf("token=") + 6);
            assertThat(printed).doesNotContain(token).doesNotContain("token=");
            HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            assertThat(get(browser, base + "/console").statusCode()).isEqualTo(401);
            HttpResponse<String> console = get(browser, link); // follows the redirect with the session cookie
            assertThat(console.statusCode()).isEqualTo(200);
            assertThat(console.body()).contains("Signed in as admin (one-time link)", "Workers");
            assertThat(get(HttpClient.newHttpClient(), link).statusCode()).isEqualTo(403);

            // an operator with the database mints another from a second process
            CliRunner.Result minted = new CliRunner(environment(port), dataDir.resolve("none.yaml")).run("console-link");
            assertThat(minted.exitCode()).as(minted.err()).isZero();
            Matcher fresh = Pattern.compile("(http://\\S+/console/admin\\?token=\\S+)").matcher(minted.out());
            assertThat(fresh.find()).as(minted.out()).isTrue();
            HttpClient operator = HttpClient.newBuilder().cookieHandler(new CookieManager())
                    .followRedirects(HttpClient.Redirect.NORMAL).build();
            assertThat(get(operator, fresh.group(1)).body()).contains("Signed in as admin (one-time link)");
            assertThat(get(HttpClient.newHttpClient(), fresh.group(1)).statusCode()).as("it works once").isEqualTo(403);
            assertThat(node.output()).doesNotContain(fresh.group(1).substring(fresh.group(1).indexOf("token=")));
        } finally {
            node.terminate();
            node.awaitExit(Duration.ofSeconds(60));
        }
    }

    @Test
    void aBadPortIsAClearStartError() throws Exception {
        CliRunner outOfRange = new CliRunner(environment(70000), dataDir.resolve("none.yaml"));
        CliRunner.Result result = outOfRange.run("scheduler");
        assertThat(result.exitCode()).isNotZero();
        assertThat(result.err()).contains("SDBOT_HTTP_PORT (httpPort) must be between 1 and 65535, or 0 for no HTTP server; got 70000");

        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            CliRunner inUse = new CliRunner(environment(taken.getLocalPort()), dataDir.resolve("none.yaml"));
            result = inUse.run("scheduler");
            assertThat(result.exitCode()).isNotZero();
            assertThat(result.err()).contains("cannot serve HTTP on 127.0.0.1:" + taken.getLocalPort(), "Address already in use");
        }
    }
}
