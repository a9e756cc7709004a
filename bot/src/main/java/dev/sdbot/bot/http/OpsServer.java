package dev.sdbot.bot.http;

import dev.sdbot.bot.config.HttpSettings;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The process's HTTP server (Javalin): {@code /health} (200 while the process runs), {@code /ready} (200 when every
 * readiness check passes, else 503 with a JSON body naming what is not ready), {@code /metrics} (Prometheus text of
 * the process's registry), plus whatever routes the caller adds (the admin console in the bot process).
 */
public final class OpsServer implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Javalin app;

    private OpsServer(Javalin app) {
        this.app = app;
    }

    /** Starts listening; a port in use or an address that cannot be bound is an IllegalStateException saying so. */
    public static OpsServer start(HttpSettings settings, PrometheusMeterRegistry meters, Readiness readiness,
                                  Consumer<RoutesConfig> extraRoutes) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.bind();
            config.jetty.port = settings.port();
            config.routes.get("/health", ctx -> ctx.contentType("text/plain").result("ok\n"));
            config.routes.get("/ready", ctx -> ready(ctx, readiness));
            config.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                    .result(meters.scrape()));
            extraRoutes.accept(config.routes);
        });
        try {
            app.start();
        } catch (RuntimeException e) {
            stopQuietly(app);
            throw new IllegalStateException("cannot serve HTTP on " + settings.bind() + ":" + settings.port()
                    + " (SDBOT_HTTP_PORT / SDBOT_HTTP_BIND): " + rootMessage(e), e);
        }
        return new OpsServer(app);
    }

    private static void ready(Context ctx, Readiness readiness) {
        Map<String, String> problems = readiness.problems();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("ready", problems.isEmpty());
        body.put("notReady", problems);
        ctx.status(problems.isEmpty() ? 200 : 503).contentType("application/json").result(json(body));
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The port listened on (the configured one). */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    private static void stopQuietly(Javalin app) {
        try {
            app.stop();
        } catch (RuntimeException ignored) {
            // the start failure is what the operator needs to see
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
