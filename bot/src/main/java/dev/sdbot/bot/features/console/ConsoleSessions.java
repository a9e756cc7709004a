package dev.sdbot.bot.features.console;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's logins, in memory (a restart logs everyone out): sessions behind a random cookie, and the OAuth
 * {@code state} values handed to Discord. Every token is 32 random bytes and expires; the pending states are bounded,
 * since anyone can start a login. One-time admin links and the revocation of every session live in the database
 * ({@code ConsoleAccessStore}): each session remembers the revocation generation it was opened under.
 */
public final class ConsoleSessions {
    public static final Duration ADMIN_LINK_VALIDITY = Duration.ofMinutes(15);
    static final Duration SESSION_VALIDITY = Duration.ofHours(8);
    static final Duration OAUTH_STATE_VALIDITY = Duration.ofMinutes(10);
    /** Logins started and not finished; beyond this, new ones are refused until some expire or finish. */
    static final int MAX_PENDING_LOGINS = 1000;
    /** How long a Discord login's guild rights are trusted before Discord is asked again. */
    static final Duration GUILD_RECHECK = Duration.ofMinutes(5);

    /**
     * What a logged-in person may see on this request: every guild (the admin link) or the given guilds, id → name;
     * {@code csrf} is the token a state-changing form of this session must carry.
     */
    public record Viewer(String who, boolean allGuilds, Map<Long, String> guilds, String csrf) {
        public boolean sees(long guildId) {
            return allGuilds || guilds.containsKey(guildId);
        }
    }

    /**
     * A login. A Discord one keeps the user's access token (in memory only, never logged or rendered) to re-read
     * which guilds the user manages every {@link #GUILD_RECHECK}.
     */
    static final class Session {
        final String who;
        final boolean allGuilds;
        final String csrf;
        final Instant expires;
        final String discordToken;
        final long generation;
        private volatile Map<Long, String> managed;
        private volatile Instant checkedAt;

        private Session(String who, boolean allGuilds, String csrf, Instant expires, String discordToken, long generation,
                        Map<Long, String> managed, Instant checkedAt) {
            this.who = who;
            this.allGuilds = allGuilds;
            this.csrf = csrf;
            this.expires = expires;
            this.discordToken = discordToken;
            this.generation = generation;
            this.managed = Map.copyOf(managed);
            this.checkedAt = checkedAt;
        }

        /** The guilds where the user had Manage Server at the last check. */
        Map<Long, String> managed() {
            return managed;
        }

        @Override
        public String toString() {
            return "Session[" + who + "]";
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> oauthStates = new ConcurrentHashMap<>();

    public ConsoleSessions(Clock clock) {
        this.clock = clock;
    }

    /** A new OAuth state, or empty while {@link #MAX_PENDING_LOGINS} unexpired ones are pending. */
    public synchronized Optional<String> newOAuthState() {
        Instant now = clock.instant();
        oauthStates.values().removeIf(expires -> !now.isBefore(expires));
        if (oauthStates.size() >= MAX_PENDING_LOGINS) {
            return Optional.empty();
        }
        String state = token();
        oauthStates.put(state, now.plus(OAUTH_STATE_VALIDITY));
        return Optional.of(state);
    }

    public boolean redeemOAuthState(String state) {
        Instant expires = state == null ? null : oauthStates.remove(state);
        return expires != null && clock.instant().isBefore(expires);
    }

    /**
     * Opens a session that sees every guild (the one-time admin link), under the given revocation generation; returns
     * its id (the cookie's value).
     */
    public String openAdmin(String who, long generation) {
        return open(new Session(who, true, token(), clock.instant().plus(SESSION_VALIDITY), null, generation, Map.of(),
                clock.instant()));
    }

    /** Opens a Discord session: {@code managed} are the guilds where the user has Manage Server, read just now. */
    String openDiscord(String who, String accessToken, Map<Long, String> managed, long generation) {
        return open(new Session(who, false, token(), clock.instant().plus(SESSION_VALIDITY), accessToken, generation,
                managed, clock.instant()));
    }

    private String open(Session session) {
        purgeExpired();
        String id = token();
        sessions.put(id, session);
        return id;
    }

    Optional<Session> find(String sessionId) {
        Session session = sessionId == null ? null : sessions.get(sessionId);
        if (session == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(session.expires)) {
            sessions.remove(sessionId);
            return Optional.empty();
        }
        return Optional.of(session);
    }

    /** Whether a Discord session's guild rights are older than {@link #GUILD_RECHECK}. */
    boolean needsRecheck(Session session) {
        return session.discordToken != null && !clock.instant().isBefore(session.checkedAt.plus(GUILD_RECHECK));
    }

    /** Records the guilds Discord says the user manages now. */
    void rechecked(Session session, Map<Long, String> managed) {
        session.managed = Map.copyOf(managed);
        session.checkedAt = clock.instant();
    }

    /** Ends a session (logout, or rights that could not be re-checked). */
    void close(String sessionId) {
        if (sessionId != null) {
            sessions.remove(sessionId);
        }
    }

    private void purgeExpired() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> !now.isBefore(s.expires));
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
