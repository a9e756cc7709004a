package dev.sdbot.bot.features.console;

import dev.sdbot.db.store.ConsoleSessionStore;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;

/**
 * The console's logins, in the database ({@link ConsoleSessionStore}), so that every console process behind a load
 * balancer knows them and a restart logs nobody out: sessions behind a random cookie, and the OAuth {@code state}
 * values handed to Discord. Every token is 32 random bytes and expires; only its SHA-256 is stored; the pending
 * states are bounded, since anyone can start a login. A Discord login's access token is stored sealed
 * ({@link SealedTokens}). One-time admin links and the revocation of every session live in the database too
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
     * A login as read for one request. A Discord one carries the user's access token (never logged or rendered) to
     * re-read which guilds the user manages every {@link #GUILD_RECHECK}.
     */
    static final class Session {
        final String who;
        final boolean allGuilds;
        final String csrf;
        final String discordToken;
        final long generation;
        private final byte[] idSha256;
        private final Map<Long, String> managed;
        private final Instant checkedAt;

        private Session(byte[] idSha256, String who, boolean allGuilds, String csrf, String discordToken, long generation,
                        Map<Long, String> managed, Instant checkedAt) {
            this.idSha256 = idSha256;
            this.who = who;
            this.allGuilds = allGuilds;
            this.csrf = csrf;
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
    private final ConsoleSessionStore store;
    private final SealedTokens sealed;

    /**
     * @param sealingSecret what the Discord access tokens are sealed under (the OAuth client secret, which every
     *                      console process of one deployment shares); null when there are no Discord logins
     */
    public ConsoleSessions(Clock clock, ConsoleSessionStore store, String sealingSecret) {
        this.clock = clock;
        this.store = store;
        this.sealed = new SealedTokens(sealingSecret);
    }

    /** A new OAuth state, or empty while {@link #MAX_PENDING_LOGINS} unexpired ones are pending. */
    public Optional<String> newOAuthState() {
        Instant now = clock.instant();
        String state = token();
        return store.addOAuthState(sha256(state), now, now.plus(OAUTH_STATE_VALIDITY), MAX_PENDING_LOGINS)
                ? Optional.of(state) : Optional.empty();
    }

    public boolean redeemOAuthState(String state) {
        return state != null && store.redeemOAuthState(sha256(state), clock.instant());
    }

    /**
     * Opens a session that sees every guild (the one-time admin link), under the given revocation generation; returns
     * its id (the cookie's value).
     */
    public String openAdmin(String who, long generation) {
        return open(who, true, null, Map.of(), generation);
    }

    /** Opens a Discord session: {@code managed} are the guilds where the user has Manage Server, read just now. */
    String openDiscord(String who, String accessToken, Map<Long, String> managed, long generation) {
        return open(who, false, sealed.seal(accessToken), managed, generation);
    }

    private String open(String who, boolean allGuilds, byte[] sealedToken, Map<Long, String> managed, long generation) {
        Instant now = clock.instant();
        String id = token();
        store.insert(sha256(id), new ConsoleSessionStore.StoredSession(who, allGuilds, token(), sealedToken, generation,
                managed, now, now.plus(SESSION_VALIDITY)), now);
        return id;
    }

    /** The session behind a cookie, if it exists and has not expired (a token that cannot be unsealed: none). */
    Optional<Session> find(String sessionId) {
        if (sessionId == null || sessionId.isEmpty()) {
            return Optional.empty();
        }
        byte[] key = sha256(sessionId);
        return store.find(key, clock.instant()).flatMap(s -> {
            Optional<String> token = s.sealedDiscordToken() == null ? Optional.of("") : sealed.unseal(s.sealedDiscordToken());
            return token.map(t -> new Session(key, s.who(), s.allGuilds(), s.csrf(), t.isEmpty() ? null : t,
                    s.generation(), s.managed(), s.checkedAt()));
        });
    }

    /** Whether a Discord session's guild rights are older than {@link #GUILD_RECHECK}. */
    boolean needsRecheck(Session session) {
        return session.discordToken != null && !clock.instant().isBefore(session.checkedAt.plus(GUILD_RECHECK));
    }

    /** Records the guilds Discord says the user manages now; returns the session as it now is. */
    Session rechecked(Session session, Map<Long, String> managed) {
        Instant now = clock.instant();
        store.updateManaged(session.idSha256, managed, now);
        return new Session(session.idSha256, session.who, session.allGuilds, session.csrf, session.discordToken,
                session.generation, managed, now);
    }

    /** Ends a session (logout, or rights that could not be re-checked). */
    void close(String sessionId) {
        if (sessionId != null && !sessionId.isEmpty()) {
            store.delete(sha256(sessionId));
        }
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
