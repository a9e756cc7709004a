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
 * The console's logins, in memory (a restart logs everyone out): sessions behind a random cookie, one-time admin
 * links, and the OAuth {@code state} values handed to Discord. Every token is 32 random bytes and expires.
 */
public final class ConsoleSessions {
    public static final Duration ADMIN_LINK_VALIDITY = Duration.ofMinutes(15);
    static final Duration SESSION_VALIDITY = Duration.ofHours(8);
    static final Duration OAUTH_STATE_VALIDITY = Duration.ofMinutes(10);

    /**
     * What a logged-in person may see: every guild (the admin link) or the given guilds, id → name.
     */
    public record Viewer(String who, boolean allGuilds, Map<Long, String> guilds) {
        public boolean sees(long guildId) {
            return allGuilds || guilds.containsKey(guildId);
        }
    }

    private record Expiring<T>(T value, Instant expires) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;
    private final Map<String, Expiring<Viewer>> sessions = new ConcurrentHashMap<>();
    private final Map<String, Instant> adminLinks = new ConcurrentHashMap<>();
    private final Map<String, Instant> oauthStates = new ConcurrentHashMap<>();

    public ConsoleSessions(Clock clock) {
        this.clock = clock;
    }

    /** A new one-time admin token. */
    public String newAdminToken() {
        String token = token();
        adminLinks.put(token, clock.instant().plus(ADMIN_LINK_VALIDITY));
        return token;
    }

    /** Spends an admin token: true once, for a token issued and not expired; false ever after. */
    public boolean redeemAdminToken(String token) {
        Instant expires = token == null ? null : adminLinks.remove(token);
        return expires != null && clock.instant().isBefore(expires);
    }

    public String newOAuthState() {
        String state = token();
        oauthStates.put(state, clock.instant().plus(OAUTH_STATE_VALIDITY));
        return state;
    }

    public boolean redeemOAuthState(String state) {
        Instant expires = state == null ? null : oauthStates.remove(state);
        return expires != null && clock.instant().isBefore(expires);
    }

    /** Opens a session; returns its id (the cookie's value). */
    public String open(Viewer viewer) {
        purgeExpired();
        String id = token();
        sessions.put(id, new Expiring<>(viewer, clock.instant().plus(SESSION_VALIDITY)));
        return id;
    }

    public Optional<Viewer> find(String sessionId) {
        Expiring<Viewer> session = sessionId == null ? null : sessions.get(sessionId);
        if (session == null) {
            return Optional.empty();
        }
        if (!clock.instant().isBefore(session.expires())) {
            sessions.remove(sessionId);
            return Optional.empty();
        }
        return Optional.of(session.value());
    }

    private void purgeExpired() {
        Instant now = clock.instant();
        sessions.values().removeIf(s -> !now.isBefore(s.expires()));
        adminLinks.values().removeIf(expires -> !now.isBefore(expires));
        oauthStates.values().removeIf(expires -> !now.isBefore(expires));
    }

    private String token() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
