package dev.sdbot.bot.http;

import dev.sdbot.bot.config.ConfigLoader;
import dev.sdbot.bot.config.SdbotConfig;
import dev.sdbot.db.testing.TestDatabase;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** A configuration on a test database with an HTTP port, and plain GETs with the JDK's HTTP client. */
public final class HttpTestSupport {
    private HttpTestSupport() {
    }

    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SdbotConfig config(TestDatabase db, int port, Path dir, Map<String, String> extra) {
        Map<String, String> env = new HashMap<>();
        env.put("DATABASE_URL", db.jdbcUrl());
        env.put("DATABASE_USER", db.user());
        env.put("SDBOT_DATA_DIR", dir.toString());
        env.put("SDBOT_MODELS", dir.resolve("models").toString());
        env.put("SDBOT_HEARTBEAT_SECONDS", "1");
        env.put("SDBOT_LEASE_SECONDS", "10");
        env.put("SDBOT_HTTP_PORT", Integer.toString(port));
        env.putAll(extra);
        return ConfigLoader.load(env, dir.resolve("none.yaml"));
    }

    public static HttpResponse<String> get(HttpClient client, String url) {
        try {
            return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(url + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public static HttpResponse<String> get(String url) {
        return get(HttpClient.newHttpClient(), url);
    }
}
