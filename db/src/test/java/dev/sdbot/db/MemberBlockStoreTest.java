package dev.sdbot.db;

import dev.sdbot.db.store.MemberBlockStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmbeddedPostgresExtension.class)
class MemberBlockStoreTest {
    private static final Instant NOW = Instant.parse("2026-03-04T05:06:07Z");

    @Test
    void blocksApplyInTheirGuildUntilTheyExpireOrAreLifted(TestDatabase db) {
        MemberBlockStore blocks = new MemberBlockStore(db.dataSource());
        Instant expires = NOW.plus(Duration.ofHours(2));
        blocks.block(1, 100, 7, "spam", expires, NOW);

        MemberBlockStore.MemberBlock block = blocks.activeBlock(1, 100, NOW).orElseThrow();
        assertThat(block).isEqualTo(new MemberBlockStore.MemberBlock(1, 100, 7, "spam", expires, NOW));
        assertThat(blocks.activeBlock(2, 100, NOW)).as("another guild").isEmpty();
        assertThat(blocks.activeBlock(1, 101, NOW)).as("another member").isEmpty();
        assertThat(blocks.activeBlock(1, 100, expires.minusSeconds(1))).isPresent();
        assertThat(blocks.activeBlock(1, 100, expires)).as("expired").isEmpty();

        blocks.block(1, 100, 8, "again", null, NOW.plusSeconds(5)); // replaces: now until unblocked
        assertThat(blocks.activeBlock(1, 100, NOW.plus(Duration.ofDays(400)))).get()
                .extracting(MemberBlockStore.MemberBlock::reason, MemberBlockStore.MemberBlock::blockedBy)
                .containsExactly("again", 8L);
        assertThat(db.queryLong("SELECT count(*) FROM member_blocks")).isOne();

        assertThat(blocks.unblock(2, 100)).as("another guild's member").isFalse();
        assertThat(blocks.unblock(1, 100)).isTrue();
        assertThat(blocks.unblock(1, 100)).isFalse();
        assertThat(blocks.activeBlock(1, 100, NOW)).isEmpty();
    }
}
