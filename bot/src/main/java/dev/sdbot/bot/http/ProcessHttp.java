package dev.sdbot.bot.http;

import dev.sdbot.bot.config.HttpSettings;
import dev.sdbot.bot.features.console.AdminConsole;
import dev.sdbot.bot.features.console.ConsoleSessions;
import dev.sdbot.bot.runtime.DiscordStatus;
import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.db.Migrations;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * One process's HTTP server, wired to its runtime: readiness for the roles the process is meant to run (so /ready says
 * 503 until each has started), the process's meters with JVM/process binders, and in the bot process the admin console.
 */
public final class ProcessHttp implements AutoCloseable {
    /** What a process runs; each adds a readiness check. */
    public enum Role { SCHEDULER, WORKER, DISCORD }

    private final OpsServer server;
    private final AdminConsole console;
    private volatile DiscordStatus discord;

    private ProcessHttp(SdbotRuntime runtime, Set<Role> roles, boolean withConsole) {
        Readiness readiness = readiness(runtime, roles);
        bindJvmMeters(runtime);
        this.console = withConsole ? new AdminConsole(runtime, runtime.config().http().oauth(), () -> discord) : null;
        this.server = OpsServer.start(runtime.config().http(), runtime.meters(), readiness, routes -> {
            if (console != null) {
                console.addRoutes(routes);
            }
        });
    }

    /**
     * Starts the server when SDBOT_HTTP_PORT is set (else empty); with {@code console}, also the admin console, whose
     * one-time admin link is printed to {@code out}. The server is closed with the runtime.
     */
    public static Optional<ProcessHttp> start(SdbotRuntime runtime, Set<Role> roles, boolean console, PrintWriter out) {
        HttpSettings settings = runtime.config().http();
        if (!settings.enabled()) {
            return Optional.empty();
        }
        ProcessHttp http = new ProcessHttp(runtime, roles.isEmpty() ? EnumSet.noneOf(Role.class) : EnumSet.copyOf(roles), console);
        runtime.own(http);
        String base = "http://" + hostForUrl(settings.bind()) + ":" + http.port();
        out.println("HTTP on " + base + ": /health, /ready, /metrics" + (console ? ", /console" : ""));
        if (http.console != null) {
            String publicBase = settings.oauth().publicUrl() != null ? settings.oauth().publicUrl() : base;
            out.println("Admin console, one-time link (single use, valid " + ConsoleSessions.ADMIN_LINK_VALIDITY.toMinutes()
                    + " min, sees every guild): " + publicBase + http.console.newAdminLink());
        }
        out.flush();
        return Optional.of(http);
    }

    /** The Discord connection once it is up: readiness and the console's guild list use it. */
    public void discordStarted(Object handle) {
        if (handle instanceof DiscordStatus status) {
            this.discord = status;
        }
    }

    public int port() {
        return server.port();
    }

    private Readiness readiness(SdbotRuntime runtime, Set<Role> roles) {
        java.util.concurrent.atomic.AtomicBoolean stopping = new java.util.concurrent.atomic.AtomicBoolean();
        runtime.onStopping(() -> stopping.set(true)); // from SIGTERM on, while it drains: take no traffic
        Readiness readiness = new Readiness()
                .add("stopping", () -> stopping.get() ? "stopping (SIGTERM): no new work" : null)
                .add("database", () -> databaseProblem(runtime))
                .add("migrations", () -> {
                    int pending = Migrations.pending(runtime.database().dataSource());
                    return pending == 0 ? null : pending + " migration(s) not applied";
                });
        if (roles.contains(Role.SCHEDULER)) {
            readiness.add("scheduler", () -> runtime.scheduler().isPresent() ? null : "scheduler node not running");
        }
        if (roles.contains(Role.WORKER)) {
            readiness.add("worker", () -> runtime.worker().isPresent() ? workerProblem(runtime, runtime.worker().get().id())
                    : "worker not started");
        }
        if (roles.contains(Role.DISCORD)) {
            readiness.add("discord", () -> {
                DiscordStatus status = discord;
                return status == null ? "not connected to Discord yet" : status.connected() ? null : "Discord gateway disconnected";
            });
        }
        return readiness;
    }

    private static String databaseProblem(SdbotRuntime runtime) {
        try (Connection c = runtime.database().dataSource().getConnection()) {
            return c.isValid(2) ? null : "database connection not valid";
        } catch (SQLException e) {
            return "database unreachable: " + e.getMessage();
        }
    }

    /** Registered means the database has this worker's row live: not stopped, not quarantined, heartbeat recent. */
    private static String workerProblem(SdbotRuntime runtime, String workerId) {
        try (Connection c = runtime.database().dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT stopped_at IS NULL, quarantine_reason,"
                     + " heartbeat_at > now() - ? * interval '1 millisecond' FROM workers WHERE id = ?")) {
            ps.setLong(1, runtime.config().scheduling().workerTimeout().toMillis());
            ps.setString(2, workerId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return "worker " + workerId + " not registered";
                }
                if (!rs.getBoolean(1)) {
                    return "worker " + workerId + " stopped";
                }
                if (rs.getString(2) != null) {
                    return "worker " + workerId + " quarantined: " + rs.getString(2);
                }
                return rs.getBoolean(3) ? null : "worker " + workerId + " has not sent a heartbeat recently";
            }
        } catch (SQLException e) {
            return "cannot read worker " + workerId + ": " + e.getMessage();
        }
    }

    private static void bindJvmMeters(SdbotRuntime runtime) {
        var meters = runtime.meters();
        new JvmMemoryMetrics().bindTo(meters);
        new JvmThreadMetrics().bindTo(meters);
        new ClassLoaderMetrics().bindTo(meters);
        new ProcessorMetrics().bindTo(meters);
        new UptimeMetrics().bindTo(meters);
        JvmGcMetrics gc = new JvmGcMetrics();
        gc.bindTo(meters);
        runtime.own(gc);
    }

    private static String hostForUrl(String bind) {
        if (bind.equals("0.0.0.0") || bind.equals("::")) {
            return "127.0.0.1";
        }
        return bind.contains(":") ? "[" + bind + "]" : bind;
    }

    @Override
    public void close() {
        server.close();
    }
}
