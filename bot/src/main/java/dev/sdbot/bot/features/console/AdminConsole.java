package dev.sdbot.bot.features.console;

import dev.sdbot.bot.config.HttpSettings;
import dev.sdbot.bot.features.admin.UsageChart;
import dev.sdbot.bot.runtime.DiscordStatus;
import dev.sdbot.bot.runtime.SdbotRuntime;
import dev.sdbot.db.store.ConsoleAccessStore;
import dev.sdbot.db.store.ConsoleSessionStore;
import dev.sdbot.db.store.BotGuildStore;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.bot.discord.GuildPublisher;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.scheduler.JobReports;
import dev.sdbot.scheduler.usage.UsageReports;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The read-only admin console: queue, workers, and per guild the recent jobs, a usage chart and the quota rules. GET
 * routes, and one POST: logout, which carries the session's CSRF token. A viewer logs in with Discord (and then sees
 * the guilds where they have Manage Server and the bot is, re-checked with Discord every few minutes) or with a
 * one-time admin link (every guild). An operator can end every session at once (the revocation generation).
 */
public final class AdminConsole {
    private static final Logger LOG = LoggerFactory.getLogger(AdminConsole.class);
    static final String SESSION_COOKIE = "sdbot_console";
    static final String STATE_COOKIE = "sdbot_oauth_state";
    static final int RECENT_JOBS = 50;
    static final int CHART_DAYS = 30;
    private static final String CSP = "default-src 'none'; script-src 'self'; img-src 'self'; style-src 'unsafe-inline';"
            + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private final Clock clock;
    private final HttpSettings.OAuth oauthSettings;
    private final DiscordOAuth oauth;
    private final Supplier<DiscordStatus> discord;
    private final ConsoleSessions sessions;
    private final ConsoleAccessStore access;
    private final JobReports jobs;
    private final UsageReports usage;
    private final QuotaRuleStore quotaRules;
    private final GuildSettingsStore guildSettings;
    private final BotGuildStore botGuildStore;

    public AdminConsole(SdbotRuntime runtime, HttpSettings.OAuth oauthSettings, Supplier<DiscordStatus> discord) {
        this.clock = runtime.clock();
        this.oauthSettings = oauthSettings;
        this.oauth = new DiscordOAuth(oauthSettings);
        this.discord = discord;
        this.sessions = new ConsoleSessions(clock, new ConsoleSessionStore(runtime.database().dataSource()),
                oauthSettings.clientSecret());
        this.access = new ConsoleAccessStore(runtime.database().dataSource());
        this.jobs = new JobReports(runtime.database().dataSource(), runtime.config().scheduling().workerTimeout());
        this.usage = new UsageReports(runtime.database().dataSource());
        this.quotaRules = new QuotaRuleStore(runtime.database().sessionFactory());
        this.guildSettings = new GuildSettingsStore(runtime.database().sessionFactory());
        this.botGuildStore = new BotGuildStore(runtime.database().dataSource());
    }

    /** A new one-time admin link (path and query, to append to the console's base URL). */
    public String newAdminLink() {
        return newAdminLink(access, clock.instant());
    }

    /** Mints a one-time admin link in the database, for whichever process serves the console. */
    public static String newAdminLink(ConsoleAccessStore links, Instant now) {
        return "/console/admin?token=" + links.mint(now, now.plus(ConsoleSessions.ADMIN_LINK_VALIDITY));
    }

    public void addRoutes(RoutesConfig routes) {
        routes.get("/console/console.js", ctx -> ctx.contentType("text/javascript").result(ConsolePages.SCRIPT));
        routes.get("/console/admin", this::adminLink);
        routes.get("/console/login", this::login);
        routes.get("/console/oauth/callback", this::callback);
        routes.post("/console/logout", this::logout);
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
        if (!access.redeem(ctx.queryParam("token"), clock.instant())) {
            refuse(ctx, 403, "Link refused", "This admin link is unknown, expired or already used: each link works once."
                    + " Run ./sdbot console-link for a new one, or log in with Discord.");
            return;
        }
        LOG.info("Admin console: one-time admin link used from {}", ctx.ip());
        ctx.cookie(cookie(SESSION_COOKIE, sessions.openAdmin("admin (one-time link)", access.sessionGeneration()),
                sessionSeconds()));
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
        Optional<String> state = sessions.newOAuthState();
        if (state.isEmpty()) { // anyone can start a login: a flood of them must not grow memory without bound
            ctx.header("Retry-After", Long.toString(ConsoleSessions.OAUTH_STATE_VALIDITY.toSeconds()));
            refuse(ctx, 503, "Too many logins in progress", "Too many Discord logins were started and not finished;"
                    + " try again in a few minutes.");
            return;
        }
        ctx.cookie(cookie(STATE_COOKIE, state.get(), (int) ConsoleSessions.OAUTH_STATE_VALIDITY.toSeconds()));
        ctx.redirect(oauth.authorizeUrl(state.get()));
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
        Map<Long, String> managed = managed(login.guilds());
        LOG.info("Admin console: {} logged in with Discord, manages {} guild(s)", login.userName(), managed.size());
        ctx.cookie(cookie(SESSION_COOKIE, sessions.openDiscord(login.userName(), login.accessToken(), managed,
                access.sessionGeneration()),
                sessionSeconds()));
        ctx.redirect("/console");
    }

    private void logout(Context ctx) {
        secureHeaders(ctx);
        String id = ctx.cookie(SESSION_COOKIE);
        Optional<ConsoleSessions.Session> session = sessions.find(id);
        if (session.isEmpty()) {
            refuse(ctx, 401, "Not logged in", "There is no session to log out of.");
            return;
        }
        String csrf = ctx.formParam("csrf");
        // the session's own token, from its own page: another site cannot post a logout (or anything) for it
        if (csrf == null || !MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                session.get().csrf.getBytes(StandardCharsets.UTF_8))) {
            refuse(ctx, 403, "Logout refused", "The form's token does not match this session; log out from a console page.");
            return;
        }
        sessions.close(id);
        ctx.removeCookie(SESSION_COOKIE, "/console");
        LOG.info("Admin console: {} logged out", session.get().who);
        refuse(ctx, 200, "Logged out", "You are logged out of the sdbot console.");
    }

    private void overview(Context ctx, ConsoleSessions.Viewer viewer) {
        Map<Long, String> guilds = visibleGuilds(viewer);
        ctx.html(ConsolePages.overview(viewer, jobs.activeJobs(viewer.allGuilds() ? null : guilds.keySet()),
                jobs.workers(), guilds));
    }

    private void guildPage(Context ctx, ConsoleSessions.Viewer viewer) {
        Optional<Long> guild = guild(ctx, viewer);
        if (guild.isPresent()) {
            long id = guild.get();
            ctx.html(ConsolePages.guild(viewer, id, visibleGuilds(viewer).getOrDefault(id, "guild " + id),
                    jobs.recentJobs(id, RECENT_JOBS), quotaRules.ofGuild(id), CHART_DAYS));
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

    /**
     * The viewer of a valid session, with a Discord login's rights re-read from Discord when they are older than
     * {@link ConsoleSessions#GUILD_RECHECK}; otherwise answers 401 with the way in, and returns empty. Rights that
     * cannot be re-read end the session (fails closed).
     */
    private Optional<ConsoleSessions.Viewer> viewer(Context ctx) {
        secureHeaders(ctx);
        String id = ctx.cookie(SESSION_COOKIE);
        Optional<ConsoleSessions.Session> found = sessions.find(id);
        if (found.isEmpty()) {
            refuse(ctx, 401, "Login required", "The sdbot console needs a login.");
            return Optional.empty();
        }
        ConsoleSessions.Session session = found.get();
        if (session.generation < access.sessionGeneration()) { // ./sdbot console-link --revoke-sessions
            sessions.close(id);
            refuse(ctx, 401, "Login required", "An operator ended every console session; log in again.");
            return Optional.empty();
        }
        if (sessions.needsRecheck(session)) {
            try {
                session = sessions.rechecked(session, managed(oauth.guilds(session.discordToken)));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                sessions.close(id);
                LOG.warn("Admin console: the guild rights of {} could not be re-checked, session ended: {}", session.who,
                        e.getMessage());
                refuse(ctx, 401, "Login required", "Your rights could not be re-checked with Discord (" + e.getMessage()
                        + "); log in again.");
                return Optional.empty();
            }
        }
        if (session.allGuilds) {
            return Optional.of(new ConsoleSessions.Viewer(session.who, true, Map.of(), session.csrf));
        }
        // the bot's guilds now: a guild the bot has left disappears at once
        Map<Long, String> botGuilds = botGuilds();
        Map<Long, String> visible = new TreeMap<>();
        session.managed().forEach((guild, name) -> {
            if (botGuilds.containsKey(guild)) {
                visible.put(guild, name);
            }
        });
        return Optional.of(new ConsoleSessions.Viewer(session.who, false, visible, session.csrf));
    }

    /** The guilds where the user has Manage Server (or is an administrator), id → name. */
    private static Map<Long, String> managed(List<DiscordOAuth.UserGuild> guilds) {
        Map<Long, String> managed = new TreeMap<>();
        guilds.stream().filter(DiscordOAuth.UserGuild::canManage).forEach(g -> managed.put(g.id(), g.name()));
        return managed;
    }

    private Map<Long, String> visibleGuilds(ConsoleSessions.Viewer viewer) {
        if (!viewer.allGuilds()) {
            return viewer.guilds();
        }
        Map<Long, String> all = new TreeMap<>();
        jobs.guildsWithJobs().forEach(id -> all.put(id, "guild " + id));
        quotaRules.guilds().forEach(id -> all.put(id, "guild " + id));
        guildSettings.guilds().forEach(id -> all.put(id, "guild " + id));
        all.putAll(botGuilds());
        return all;
    }

    /**
     * The deployment's guilds: this process's (none while its Discord is not connected) and those every bot process
     * published with a live heartbeat (several processes with shard ranges, or a console-only process). A guild nobody
     * serves, or a database that cannot be read, shows no guild to an OAuth login: fails closed.
     */
    private Map<Long, String> botGuilds() {
        DiscordStatus status = discord.get();
        Map<Long, String> guilds = new LinkedHashMap<>(botGuildStore.live(GuildPublisher.MAX_AGE));
        if (status != null) {
            guilds.putAll(status.guilds());
        }
        return guilds;
    }

    private static int sessionSeconds() {
        return (int) ConsoleSessions.SESSION_VALIDITY.toSeconds();
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
