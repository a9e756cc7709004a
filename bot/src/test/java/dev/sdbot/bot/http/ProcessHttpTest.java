package dev.sdbot.bot.http;

import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static dev.sdbot.bot.http.HttpTestSupport.config;
import static dev.sdbot.bot.http.HttpTestSupport.freePort;
import static dev.sdbot.bot.http.HttpTestSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** One process's /health, /ready and /metrics on a real database, read with a real HTTP client. */
@ExtendWith(EmbeddedPostgresExtension.class)
class ProcessHttpTest {
    @TempDir
    Path dir;

    @Test
    void readyOnlyOnceTheSchedulerRunsAndTheWorkerIsRegisteredAndNotAfterItStops(TestDatabase db) {
        db.update("TRUNCATE jobs, workers CASCADE");
        int port = freePort();
        String base = "http://127.0.0.1:" + port;
        try (SdbotRuntime runtime = SdbotRuntime.open(config(db, port, dir, Map.of("SDBOT_WORKER_ID", "probe-worker")),
                Clock.systemUTC())) {
            StringWriter out = new StringWriter();
            ProcessHttp.start(runtime, Set.of(ProcessHttp.Role.SCHEDULER, ProcessHttp.Role.WORKER), false, new PrintWriter(out))
                    .orElseThrow();
            assertThat(out.toString()).contains("HTTP on " + base + ": /health, /ready, /metrics").doesNotContain("console");

            assertThat(get(base + "/health").statusCode()).isEqualTo(200);
            HttpResponse<String> notReady = get(base + "/ready");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
            assertThat(notReady.body()).contains("\"ready\":false", "\"scheduler\":\"scheduler node not running\"",
                    "\"worker\":\"worker not started\"").doesNotContain("\"database\"", "\"migrations\"");

            runtime.startScheduler();
            assertThat(get(base + "/ready").body()).doesNotContain("\"scheduler\"").contains("\"worker\"");

            runtime.startWorker(new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL), Duration.ZERO));
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                HttpResponse<String> ready = get(base + "/ready");
                assertThat(ready.body()).isEqualTo("{\"ready\":true,\"notReady\":{}}");
                assertThat(ready.statusCode()).isEqualTo(200);
            });

            runtime.worker().orElseThrow().stop(Duration.ofSeconds(5)); // marks the worker stopped in the database
            HttpResponse<String> stopped = get(base + "/ready");
            assertThat(stopped.statusCode()).isEqualTo(503);
            assertThat(stopped.body()).contains("\"worker\":\"worker probe-worker stopped\"");
        }
        assertThatThrownBy(() -> get(base + "/health")).as("the server closes with the runtime").isInstanceOf(RuntimeException.class);
    }

    @Test
    void metricsServeTheProcessRegistryWithJvmMeters(TestDatabase db) {
        int port = freePort();
        try (SdbotRuntime runtime = SdbotRuntime.open(config(db, port, dir, Map.of()), Clock.systemUTC())) {
            ProcessHttp.start(runtime, Set.of(), false, new PrintWriter(new StringWriter())).orElseThrow();
            runtime.meters().counter("sdbot.probe.events", "kind", "test").increment(3);

            HttpResponse<String> metrics = get("http://127.0.0.1:" + port + "/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
            assertThat(metrics.body()).contains("sdbot_probe_events_total{kind=\"test\"} 3.0", "jvm_memory_used_bytes",
                    "process_uptime_seconds");
            assertThat(get("http://127.0.0.1:" + port + "/ready").statusCode()).as("no role: database and migrations only")
                    .isEqualTo(200);
        }
    }

    @Test
    void noServerWithoutAPort(TestDatabase db) {
        try (SdbotRuntime runtime = SdbotRuntime.open(config(db, 0, dir, Map.of()), Clock.systemUTC())) {
            assertThat(ProcessHttp.start(runtime, Set.of(), true, new PrintWriter(new StringWriter()))).isEmpty();
        }
    }

    @Test
    void aPortInUseIsAClearStartError(TestDatabase db) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
             SdbotRuntime runtime = SdbotRuntime.open(config(db, taken.getLocalPort(), dir, Map.of()), Clock.systemUTC())) {
            assertThatThrownBy(() -> ProcessHttp.start(runtime, Set.of(), false, new PrintWriter(new StringWriter())))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("cannot serve HTTP on 127.0.0.1:" + taken.getLocalPort()
                            + " (SDBOT_HTTP_PORT / SDBOT_HTTP_BIND): ")
                    .hasMessageContaining("Address already in use");
        }
    }

    @Test
    void aPortOutOfRangeOrABadConsoleUrlFailsWhenTheConfigurationLoads(TestDatabase db) {
        assertThatThrownBy(() -> config(db, 70000, dir, Map.of())).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("SDBOT_HTTP_PORT (httpPort) must be between 1 and 65535, or 0 for no HTTP server; got 70000");
        assertThatThrownBy(() -> config(db, -1, dir, Map.of())).hasMessageContaining("got -1");
        assertThatThrownBy(() -> config(db, 8080, dir, Map.of("SDBOT_CONSOLE_PUBLIC_URL", "console.example.org")))
                .hasMessageContaining("SDBOT_CONSOLE_PUBLIC_URL (consolePublicUrl) must be an http(s) URL with a host");
    }
}
