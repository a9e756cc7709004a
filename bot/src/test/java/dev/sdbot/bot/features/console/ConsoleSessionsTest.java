package dev.sdbot.bot.features.console;

import dev.sdbot.db.store.ConsoleSessionStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.scheduler.testing.MutableClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * OAuth states work once, expire and are bounded; sessions expire, end on close, and say when to re-check rights;
 * all of it in the database, so that what one console process starts another one (behind the same load balancer)
 * knows.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
class ConsoleSessionsTest {
    private static final String SECRET = "client-secret";
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private TestDatabase db;
    private ConsoleSessions sessions;
    /** The same console in another process: its own store and instance, the same database and client secret. */
    private ConsoleSessions otherProcess;

    @BeforeEach
    void setUp(TestDatabase db) {
        this.db = db;
        db.update("TRUNCATE console_sessions, console_oauth_states");
        sessions = new ConsoleSessions(clock, new ConsoleSessionStore(db.dataSource()), SECRET);
        otherProcess = new ConsoleSessions(clock, new ConsoleSessionStore(db.dataSource()), SECRET);
    }

    @Test
    void anOAuthStateWorksOnceWithinItsValidityInWhicheverProcessTheLoginComesBackTo() {
        String state = sessions.newOAuthState().orElseThrow();
        assertThat(otherProcess.redeemOAuthState(state)).isTrue();
        assertThat(sessions.redeemOAuthState(state)).isFalse();
        String late = sessions.newOAuthState().orElseThrow();
        clock.advance(ConsoleSessions.OAUTH_STATE_VALIDITY.plusSeconds(1));
        assertThat(sessions.redeemOAuthState(late)).isFalse();
        assertThat(sessions.redeemOAuthState(null)).isFalse();
    }

    @Test
    void pendingStatesAreBoundedUntilTheyExpire() {
        db.update("INSERT INTO console_oauth_states (state_sha256, expires_at)"
                + " SELECT decode(md5(g::text), 'hex'), ?::timestamptz FROM generate_series(1, ?) g",
                clock.instant().plus(ConsoleSessions.OAUTH_STATE_VALIDITY).toString(), ConsoleSessions.MAX_PENDING_LOGINS - 1);
        assertThat(sessions.newOAuthState()).isPresent();
        assertThat(otherProcess.newOAuthState()).as("the bound holds across processes").isEmpty();
        clock.advance(ConsoleSessions.OAUTH_STATE_VALIDITY);
        assertThat(sessions.newOAuthState()).as("the expired ones are purged").isPresent();
        assertThat(db.queryLong("SELECT count(*) FROM console_oauth_states")).isEqualTo(1);
    }

    @Test
    void aSessionCreatedByOneProcessIsValidInAnotherUntilItExpiresOrIsClosed() {
        String id = sessions.openDiscord("ada", "access-token-value", Map.of(1L, "one", 2L, "two"), 3);
        ConsoleSessions.Session session = otherProcess.find(id).orElseThrow();
        assertThat(session.who).isEqualTo("ada");
        assertThat(session.managed()).containsExactlyInAnyOrderEntriesOf(Map.of(1L, "one", 2L, "two"));
        assertThat(session.discordToken).isEqualTo("access-token-value");
        assertThat(session.generation).isEqualTo(3);
        assertThat(session.csrf).isEqualTo(sessions.find(id).orElseThrow().csrf);
        assertThat(session.toString()).doesNotContain("access");
        assertThat(sessions.find("forged")).isEmpty();
        clock.advance(ConsoleSessions.SESSION_VALIDITY.minus(Duration.ofSeconds(1)));
        assertThat(otherProcess.find(id)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(otherProcess.find(id)).isEmpty();
        assertThat(sessions.find(id)).isEmpty();

        String other = sessions.openAdmin("admin", 0);
        assertThat(db.queryLong("SELECT count(*) FROM console_sessions")).as("the expired session was purged").isEqualTo(1);
        assertThat(otherProcess.find(other).orElseThrow().allGuilds).isTrue();
        otherProcess.close(other);
        assertThat(sessions.find(other)).isEmpty();
    }

    @Test
    void theDatabaseHoldsNeitherTheCookieNorTheDiscordTokenInTheClear() {
        String id = sessions.openDiscord("ada", "access-token-value", Map.of(), 0);
        assertThat(db.queryLong("SELECT count(*) FROM console_sessions WHERE position(convert_to(?, 'UTF8') in id_sha256) > 0"
                + " OR position(convert_to(?, 'UTF8') in discord_token) > 0", id, "access-token-value")).isZero();
        ConsoleSessions otherDeployment = new ConsoleSessions(clock, new ConsoleSessionStore(db.dataSource()), "another secret");
        assertThat(otherDeployment.find(id)).as("a token sealed under another secret does not open").isEmpty();
    }

    @Test
    void aDiscordSessionAsksForARecheckEveryFewMinutesAndTheRecheckIsShared() {
        String discordId = sessions.openDiscord("ada", "access", Map.of(1L, "one"), 0);
        ConsoleSessions.Session discord = sessions.find(discordId).orElseThrow();
        ConsoleSessions.Session admin = sessions.find(sessions.openAdmin("admin", 0)).orElseThrow();
        assertThat(sessions.needsRecheck(discord)).isFalse();
        clock.advance(ConsoleSessions.GUILD_RECHECK);
        assertThat(sessions.needsRecheck(discord)).isTrue();
        assertThat(sessions.needsRecheck(admin)).as("the admin link has no Discord rights to re-check").isFalse();
        ConsoleSessions.Session rechecked = sessions.rechecked(discord, Map.of());
        assertThat(sessions.needsRecheck(rechecked)).isFalse();
        assertThat(rechecked.managed()).isEmpty();
        ConsoleSessions.Session elsewhere = otherProcess.find(discordId).orElseThrow();
        assertThat(otherProcess.needsRecheck(elsewhere)).isFalse();
        assertThat(elsewhere.managed()).isEmpty();
    }
}
