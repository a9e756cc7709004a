package dev.sdbot.db;

import dev.sdbot.db.store.ChannelNsfwPolicyStore;
import dev.sdbot.db.store.MemberBlockStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@ExtendWith(EmbeddedPostgresExtension.class)
class ModerationStoresTest {
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void channelOverridesAreSetReplacedListedPerGuildAndCleared(TestDatabase db) {
        ChannelNsfwPolicyStore store = new ChannelNsfwPolicyStore(db.dataSource());
        store.put(901, 11, "BLUR", 7, NOW);
        store.put(901, 11, "SPOILER", 7, NOW); // replaces
        store.put(901, 12, "ALLOW", 7, NOW);
        store.put(902, 11, "BLOCK", 8, NOW);

        assertThat(store.find(901, 11)).contains("SPOILER");
        assertThat(store.find(901, 13)).isEmpty();
        assertThat(store.ofGuild(901)).isEqualTo(Map.of(11L, "SPOILER", 12L, "ALLOW"));
        assertThat(store.clear(902, 12)).as("another guild's channel").isFalse();
        assertThat(store.clear(901, 11)).isTrue();
        assertThat(store.find(901, 11)).isEmpty();
        assertThat(store.find(902, 11)).contains("BLOCK");
        assertThatThrownBy(() -> store.put(901, 14, "POST", 7, NOW)).hasMessageContaining("channel 14");
        assertThat(store.find(901, 14)).isEmpty();
    }

    @Test
    void blocksExpireAndAreScopedToTheirGuild(TestDatabase db) {
        MemberBlockStore store = new MemberBlockStore(db.dataSource());
        store.block(901, 5, 7, "spam", Duration.ofHours(2));
        store.block(901, 6, 7, "for good", null);

        assertThat(store.activeBlock(901, 5)).hasValueSatisfying(b -> {
            assertThat(b.reason()).isEqualTo("spam");
            assertThat(b.blockedBy()).isEqualTo(7);
            assertThat(Duration.between(b.createdAt(), b.expiresAt())).isEqualTo(Duration.ofHours(2));
        });
        db.update("UPDATE member_blocks SET expires_at = now() - interval '1 hour' WHERE user_id = 5");
        assertThat(store.activeBlock(901, 5)).as("expired").isEmpty();
        assertThat(store.activeBlock(902, 5)).as("other guild").isEmpty();
        assertThat(store.activeBlock(901, 6)).isPresent();
        assertThat(store.unblock(902, 6)).isFalse();
        assertThat(store.unblock(901, 6)).isTrue();
        assertThat(store.activeBlock(901, 6)).isEmpty();
    }
}
