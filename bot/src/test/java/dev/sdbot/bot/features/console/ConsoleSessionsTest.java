package dev.sdbot.bot.features.console;

import dev.sdbot.scheduler.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** OAuth states work once, expire and are bounded; sessions expire, end on close, and say when to re-check rights. */
class ConsoleSessionsTest {
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final ConsoleSessions sessions = new ConsoleSessions(clock);

    @Test
    void anOAuthStateWorksOnceWithinItsValidity() {
        String state = sessions.newOAuthState().orElseThrow();
        assertThat(sessions.redeemOAuthState(state)).isTrue();
        assertThat(sessions.redeemOAuthState(state)).isFalse();
        String late = sessions.newOAuthState().orElseThrow();
        clock.advance(ConsoleSessions.OAUTH_STATE_VALIDITY.plusSeconds(1));
        assertThat(sessions.redeemOAuthState(late)).isFalse();
    }

    @Test
    void pendingStatesAreBoundedUntilTheyExpire() {
        for (int i = 0; i < ConsoleSessions.MAX_PENDING_LOGINS; i++) {
            assertThat(sessions.newOAuthState()).isPresent();
        }
        assertThat(sessions.newOAuthState()).isEmpty();
        clock.advance(ConsoleSessions.OAUTH_STATE_VALIDITY);
        assertThat(sessions.newOAuthState()).as("the expired ones are purged").isPresent();
    }

    @Test
    void aSessionLastsUntilItExpiresOrIsClosed() {
        String id = sessions.openDiscord("ada", "access", Map.of(1L, "one"), 0);
        ConsoleSessions.Session session = sessions.find(id).orElseThrow();
        assertThat(session.managed()).containsOnlyKeys(1L);
        assertThat(session.toString()).doesNotContain("access");
        assertThat(sessions.find("forged")).isEmpty();
        clock.advance(ConsoleSessions.SESSION_VALIDITY.minus(Duration.ofSeconds(1)));
        assertThat(sessions.find(id)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.find(id)).isEmpty();

        String other = sessions.openAdmin("admin", 0);
        sessions.close(other);
        assertThat(sessions.find(other)).isEmpty();
    }

    @Test
    void aDiscordSessionAsksForARecheckEveryFewMinutes() {
        ConsoleSessions.Session discord = sessions.find(sessions.openDiscord("ada", "access", Map.of(1L, "one"), 0)).orElseThrow();
        ConsoleSessions.Session admin = sessions.find(sessions.openAdmin("admin", 0)).orElseThrow();
        assertThat(sessions.needsRecheck(discord)).isFalse();
        clock.advance(ConsoleSessions.GUILD_RECHECK);
        assertThat(sessions.needsRecheck(discord)).isTrue();
        assertThat(sessions.needsRecheck(admin)).as("the admin link has no Discord rights to re-check").isFalse();
        sessions.rechecked(discord, Map.of());
        assertThat(sessions.needsRecheck(discord)).isFalse();
        assertThat(discord.managed()).isEmpty();
    }
}
