package dev.sdbot.scheduler;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShardRangeTest {
    @Test
    void parsesRangesSingleShardsAndCounts() {
        assertThat(ShardRange.parse("0-3/16")).isEqualTo(new ShardRange(0, 3, 16));
        assertThat(ShardRange.parse("5/16")).isEqualTo(new ShardRange(5, 5, 16));
        assertThat(ShardRange.parse("4")).isEqualTo(new ShardRange(0, 3, 4));
        assertThat(ShardRange.parse("1")).isEqualTo(ShardRange.ALL);
        assertThat(ShardRange.parse("1").unsharded()).isTrue();
    }

    @Test
    void refusesRangesOutsideTheCount() {
        assertThatThrownBy(() -> ShardRange.parse("0-16/16")).hasMessageContaining("not within 0..15");
        assertThatThrownBy(() -> ShardRange.parse("3-1/16")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ShardRange.parse("a-b")).hasMessageContaining("0-3/16");
    }

    @Test
    void aGuildBelongsToTheShardOfItsTimestampBits() {
        long guild = (7L << 22) | 12345; // shard 7 of 16, 3 of 4
        assertThat(new ShardRange(4, 7, 16).serves(guild)).isTrue();
        assertThat(new ShardRange(0, 3, 16).serves(guild)).isFalse();
        assertThat(new ShardRange(3, 3, 4).serves(guild)).isTrue();
    }
}
