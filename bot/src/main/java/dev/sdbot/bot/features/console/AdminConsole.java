package dev.sdbot.bot.features.console;

import dev.sdbot.bot.config.HttpSettings;
import dev.sdbot.bot.features.admin.UsageChart;
import dev.sdbot.bot.runtime.DiscordStatus;
import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.scheduler.usage.UsageReports;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The read-only admin console: queue, workers, and per guild the recent jobs, a usage chart and the quota rules. Only
 * GET routes. A viewer logs in with Discord (and then sees the guilds where they have Manage Server and the bot is)
 * or with the one-time admin link printed at start (every guild).
 */
public final class AdminConsole {
    private static final Logger LOG = LoggerFactory.getLogger(AdminConsole.class);
    static final String SESSION_COOKIE = "sdbot_console";
    static final String STATE_COOKIE = "sdbot_oauth_state";
    static final int RECENT_JOBS = 50;
    static final int CHART_DAYS = 30;
    private static final String CSP = "default-src 'none'; script-src 'self'; img-src 'self'; style-src 'unsafe-inline';"
            + " base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final SdbotRuntime runtime;
    private final HttpSettings.OAuth oauthSettings;
    private final DiscordOAuth oauth;
    private final Supplier<DiscordStatus> discord;
    private final ConsoleSessions sessions;
    private final ConsoleQueries queries;
    private final UsageReports usage;
    private final QuotaRuleStore quotaRules;

    public AdminConsole(SdbotRuntime runtime, HttpSettings.OAuth oauthSettings, Supplier<DiscordStatus> discord) {
        this.runtime = runtime;
        this.oauthSettings = oauthSettings;
        this.oauth = new DiscordOAuth(oauthSettings);
        this.discord = discord;
        this.sessions = new ConsoleSessions(runtime.clock());
        this.queries = new ConsoleQueries(runtime.database().dataSource());
        this.usage = new UsageReports(runtime.database().dataSource(), runtime.clock());
        this.quotaRules = new QuotaRuleStore(runtime.database().sessionFactory());
    }

    /** A new one-time admin link (path and query, to append to the server's base URL). */
    public String newAdminLink() {
        return "/console/admin?token=" + sessions.newAdminToken();
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get("/console/console.js", ctx -> ctx.contentType("text/javascript").result(ConsolePages.SCRIPT));
        routes.get("/console/admin", this::adminLink);
        routes.get("/console/login", this::login);
        routes.get("/console/oauth/callback", this::callback);
        routes.get("/console", ctx -> {
            Optional<ConsoleSessions.Viewer> viewer = viewer(ctx);
            if (viewer.isPresent()) {
                overview(ctx, viewer.get());
            }
        });
        routes.get("/console/guild/{guild}", ctx -> {
            Optional<ConsoleSessions.Viewer> viewer = viewer(ctx);
            if (viewer.isPresent()) {
                guildPage(ctx, viewer.get());
            }
        });
        routes.get("/console/guild/{guild}/usage.png", ctx -> viewer(ctx).ifPresent(v -> chart(ctx, v)));
    }

    private void adminLink(Context ctx) {
        secureHeaders(ctx);
        if (!sessions.redeemAdminToken(ctx.queryParam("token"))) {
            refuse(ctx, 403, "Link refused", "This admin link is unknown, expired or already used: each link works once."
                    + " Restart sdbot for a new one, or log in with Discord.");
            return;
        }
        LOG.info("Admin console: one-time admin link used from {}", ctx.ip());
        startSession(ctx, new ConsoleSessions.Viewer("admin (one-time link)", true, Map.of()));
        String next = ctx.queryParam("next");
        // only a path of this console: never an open redirect
        ctx.redirect(next != null && next.matches("/console(/[A-Za-z0-9/._-]*)?") ? next : "/console");
    }

    private void login(Context ctx) {
        secureHeaders(ctx);
        if (!oauthSettings.configured()) {
            refuse(ctx, 503, "Discord login unavailable", oauthSettings.missing());
            return;
        }
        String state = sessions.newOAuthState();
        ctx.cookie(cookie(STATE_COOKIE, state, (int) ConsoleSessions.OAUTH_STATE_VALIDITY.toSeconds()));
        ctx.redirect(oauth.authorizeUrl(state));
    }

    private void callback(Context ctx) {
        secureHeaders(ctx);
        String state = ctx.queryParam("state");
        String code = ctx.queryParam("code");
        // the state must be the one this browser was given, and unused: a login cannot be planted from elsewhere
        if (state == null || !state.equals(ctx.cookie(STATE_COOKIE)) || !sessions.redeemOAuthState(state)) {
            refuse(ctx, 400, "Login failed", "The login attempt is unknown or expired; start again.");
            return;
        }
        ctx.removeCookie(STATE_COOKIE, "/console");
        if (code == null || code.isBlank()) {
            refuse(ctx, 403, "Login cancelled", "Discord did not authorize the login"
                    + (ctx.queryParam("error") == null ? "." : ": " + ctx.queryParam("error")));
            return;
        }
        DiscordOAuth.Login login;
        try {
            login = oauth.login(code);
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn("Admin console: Discord login failed: {}", e.getMessage());
            refuse(ctx, 502, "Login failed", "Discord login failed: " + e.getMessage());
            return;
        }
        Map<Long, String> botGuilds = botGuilds();
        Map<Long, String> visible = new TreeMap<>();
        login.guilds().stream().filter(DiscordOAuth.UserGuild::canManage).filter(g -> botGuilds.containsKey(g.id()))
                .forEach(g -> visible.put(g.id(), g.name()));
        LOG.info("Admin console: {} logged in with Discord, sees {} guild(s)", login.userName(), visible.size());
        startSession(ctx, new ConsoleSessions.Viewer(login.userName(), false, visible));
        ctx.redirect("/console");
    }

    private void overview(Context ctx, ConsoleSessions.Viewer viewer) throws Exception {
        Map<Long, String> guilds = visibleGuilds(viewer);
        ctx.html(ConsolePages.overview(viewer, queries.queue(viewer.allGuilds() ? null : guilds.keySet()),
                queries.workers(runtime.config().scheduling().workerTimeout()), guilds));
    }

    private void guildPage(Context ctx, ConsoleSessions.Viewer viewer) throws Exception {
        Optional<Long> guild = guild(ctx, viewer);
        if (guild.isPresent()) {
            long id = guild.get();
            ctx.html(ConsolePages.guild(viewer, id, visibleGuilds(viewer).getOrDefault(id, "guild " + id),
                    queries.recentJobs(id, RECENT_JOBS), quotaRules.ofGuild(id), CHART_DAYS));
        }
    }

    private void chart(Context ctx, ConsoleSessions.Viewer viewer) {
        guild(ctx, viewer).ifPresent(id -> ctx.contentType("image/png").result(UsageChart.png(usage.report(id, null, CHART_DAYS))));
    }

    /** The guild of the path when the viewer may see it; otherwise answers 404/403 and returns empty. */
    private Optional<Long> guild(Context ctx, ConsoleSessions.Viewer viewer) {
        long id;
        try {
            id = Long.parseLong(ctx.pathParam("guild"));
        } catch (NumberFormatException e) {
            refuse(ctx, 404, "No such guild", "A guild id is a number.");
            return Optional.empty();
        }
        if (!viewer.sees(id)) {
            refuse(ctx, 403, "Not your guild", "You do not have Manage Server in this guild, or the bot is not in it.");
            return Optional.empty();
        }
        return Optional.of(id);
    }

    /** The viewer of a valid session; otherwise answers 401 with the way in, and returns empty. */
    private Optional<ConsoleSessions.Viewer> viewer(Context ctx) {
        secureHeaders(ctx);
        Optional<ConsoleSessions.Viewer> viewer = sessions.find(ctx.cookie(SESSION_COOKIE));
        if (viewer.isEmpty()) {
            refuse(ctx, 401, "Login required", "The sdbot console needs a login.");
        }
        return viewer;
    }

    private Map<Long, String> visibleGuilds(ConsoleSessions.Viewer viewer) throws Exception {
        if (!viewer.allGuilds()) {
            return viewer.guilds();
        }
        Map<Long, String> all = new TreeMap<>();
        queries.knownGuilds().forEach(id -> all.put(id, "guild " + id));
        all.putAll(botGuilds());
        return all;
    }

    /** The bot's guilds; none while Discord is not connected (the OAuth login then shows no guild: fails closed). */
    private Map<Long, String> botGuilds() {
        DiscordStatus status = discord.get();
        return status == null ? Map.of() : new LinkedHashMap<>(status.guilds());
    }

    private void startSession(Context ctx, ConsoleSessions.Viewer viewer) {
        ctx.cookie(cookie(SESSION_COOKIE, sessions.open(viewer), (int) ConsoleSessions.SESSION_VALIDITY.toSeconds()));
    }

    private Cookie cookie(String name, String value, int maxAgeSeconds) {
        boolean https = oauthSettings.publicUrl() != null && oauthSettings.publicUrl().startsWith("https:");
        return new Cookie(name, value, "/console", maxAgeSeconds, https, true, null, SameSite.LAX);
    }

    private void refuse(Context ctx, int status, String title, String message) {
        ctx.status(status).html(ConsolePages.refusal(title, message, oauthSettings.missing()));
    }

    private static void secureHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", CSP);
        ctx.header("Cache-Control", "no-store");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Referrer-Policy", "no-referrer");
    }
}
