package dev.sdbot.bot.features.console;

import dev.sdbot.scheduler.testing.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Admin links and OAuth states work once and expire; sessions expire. */
class ConsoleSessionsTest {
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final ConsoleSessions sessions = new ConsoleSessions(clock);

    @Test
    void anAdminTokenWorksOnceAndNotAfterItExpires() {
        String token = sessions.newAdminToken();
        assertThat(token).hasSizeGreaterThanOrEqualTo(43); // 32 random bytes
        assertThat(sessions.redeemAdminToken("guessed")).isFalse();
        assertThat(sessions.redeemAdminToken(null)).isFalse();
        assertThat(sessions.redeemAdminToken(token)).isTrue();
        assertThat(sessions.redeemAdminToken(token)).isFalse();

        String late = sessions.newAdminToken();
        clock.advance(ConsoleSessions.ADMIN_LINK_VALIDITY);
        assertThat(sessions.redeemAdminToken(late)).isFalse();
    }

    @Test
    void anOAuthStateWorksOnceWithinItsValidity() {
        String state = sessions.newOAuthState();
        assertThat(sessions.redeemOAuthState(state)).isTrue();
        assertThat(sessions.redeemOAuthState(state)).isFalse();
        String late = sessions.newOAuthState();
        clock.advance(ConsoleSessions.OAUTH_STATE_VALIDITY.plusSeconds(1));
        assertThat(sessions.redeemOAuthState(late)).isFalse();
    }

    @Test
    void aSessionSeesItsGuildsUntilItExpires() {
        String id = sessions.open(new ConsoleSessions.Viewer("ada", false, Map.of(1L, "one")));
        ConsoleSessions.Viewer viewer = sessions.find(id).orElseThrow();
        assertThat(viewer.sees(1)).isTrue();
        assertThat(viewer.sees(2)).isFalse();
        assertThat(sessions.find("forged")).isEmpty();
        clock.advance(ConsoleSessions.SESSION_VALIDITY.minus(Duration.ofSeconds(1)));
        assertThat(sessions.find(id)).isPresent();
        clock.advance(Duration.ofSeconds(1));
        assertThat(sessions.find(id)).isEmpty();
    }
}
