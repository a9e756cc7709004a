package dev.sdbot.bot.http;

import dev.sdbot.bot.config.HttpSettings;
import dev.sdbot.bot.features.console.AdminConsole;
import dev.sdbot.bot.features.console.AdminLinkFile;
import dev.sdbot.bot.features.console.ConsoleSessions;
import dev.sdbot.bot.runtime.DiscordStatus;
import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.db.MigrationStatus;
import dev.sdbot.scheduler.JobReports;
import dev.sdbot.scheduler.WorkerStatus;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
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
     * one-time admin link goes to an owner-only file in the data directory ({@code out} says where, never the link).
     * The server is closed with the runtime.
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
            out.println(writeAdminLink(runtime, consoleBase(settings), http.console));
        }
        out.flush();
        return Optional.of(http);
    }

    /** The console's address for links: SDBOT_CONSOLE_PUBLIC_URL, else this server's own. */
    public static String consoleBase(HttpSettings settings) {
        return settings.oauth().publicUrl() != null ? settings.oauth().publicUrl()
                : "http://" + hostForUrl(settings.bind()) + ":" + settings.port();
    }

    /** Mints the start's admin link into its file; returns the line saying where it is (without the link). */
    private static String writeAdminLink(SdbotRuntime runtime, String base, AdminConsole console) {
        try {
            Path file = AdminLinkFile.write(runtime.config().database().dataDir(), base + console.newAdminLink());
            return "Admin console: a one-time admin link (single use, valid " + ConsoleSessions.ADMIN_LINK_VALIDITY.toMinutes()
                    + " min, sees every guild) is in " + file.toAbsolutePath() + " (readable by its owner only);"
                    + " './sdbot console-link' makes another.";
        } catch (IOException | UnsupportedOperationException e) {
            return "Admin console: no one-time admin link was written (" + e.getMessage() + "); './sdbot console-link'"
                    + " makes one.";
        }
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
                .add("migrations", new MigrationStatus(runtime.database().dataSource())::problem);
        if (roles.contains(Role.SCHEDULER)) {
            readiness.add("scheduler", () -> runtime.scheduler().isPresent() ? null : "scheduler node not running");
        }
        if (roles.contains(Role.WORKER)) {
            JobReports reports = new JobReports(runtime.database().dataSource(), runtime.config().scheduling().workerTimeout());
            readiness.add("worker", () -> runtime.worker().isPresent() ? workerProblem(reports, runtime.worker().get().id())
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
    private static String workerProblem(JobReports reports, String workerId) {
        try {
            Optional<WorkerStatus> worker = reports.worker(workerId);
            if (worker.isEmpty()) {
                return "worker " + workerId + " not registered";
            }
            if (worker.get().stopped()) {
                return "worker " + workerId + " stopped";
            }
            if (worker.get().quarantineReason() != null) {
                return "worker " + workerId + " quarantined: " + worker.get().quarantineReason();
            }
            return worker.get().recentHeartbeat() ? null : "worker " + workerId + " has not sent a heartbeat recently";
        } catch (RuntimeException e) {
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
