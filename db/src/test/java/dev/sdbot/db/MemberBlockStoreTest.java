package dev.sdbot.db;

import dev.sdbot.db.store.MemberBlockStore;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(EmbeddedPostgresExtension.class)
class MemberBlockStoreTest {
    @Test
    void blocksApplyInTheirGuildUntilTheyExpireOrAreLifted(TestDatabase db) {
        MemberBlockStore blocks = new MemberBlockStore(db.dataSource());
        MemberBlockStore.MemberBlock made = blocks.block(1, 100, 7, "spam", Duration.ofHours(2));
        assertThat(Duration.between(made.createdAt(), made.expiresAt())).as("on the database's clock").isEqualTo(Duration.ofHours(2));

        assertThat(blocks.activeBlock(1, 100)).contains(made);
        assertThat(blocks.activeBlock(2, 100)).as("another guild").isEmpty();
        assertThat(blocks.activeBlock(1, 101)).as("another member").isEmpty();
        db.update("UPDATE member_blocks SET expires_at = now() + interval '1 second'");
        assertThat(blocks.activeBlock(1, 100)).isPresent();
        db.update("UPDATE member_blocks SET expires_at = now()");
        assertThat(blocks.activeBlock(1, 100)).as("expired").isEmpty();

        blocks.block(1, 100, 8, "again", null); // replaces: now until unblocked
        assertThat(blocks.activeBlock(1, 100)).get()
                .extracting(MemberBlockStore.MemberBlock::reason, MemberBlockStore.MemberBlock::blockedBy, MemberBlockStore.MemberBlock::expiresAt)
                .containsExactly("again", 8L, null);
        assertThat(db.queryLong("SELECT count(*) FROM member_blocks")).isOne();

        assertThat(blocks.unblock(2, 100)).as("another guild's member").isFalse();
        assertThat(blocks.unblock(1, 100)).isTrue();
        assertThat(blocks.unblock(1, 100)).isFalse();
        assertThat(blocks.activeBlock(1, 100)).isEmpty();
    }
}
