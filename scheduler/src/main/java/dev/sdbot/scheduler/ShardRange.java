package dev.sdbot.scheduler;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Discord shards one bot process connects: shards {@code first..last} (inclusive) of {@code total}. A guild
 * belongs to shard {@code (guild_id >> 22) % total} (Discord's rule), so a process posts, reports and fails only the
 * jobs of the guilds on its shards, and several processes with disjoint ranges share the work.
 */
public record ShardRange(int first, int last, int total) {
    /** One process, every guild: one unsharded connection. */
    public static final ShardRange ALL = new ShardRange(0, 0, 1);
    private static final Pattern RANGE = Pattern.compile("(\\d+)(?:-(\\d+))?/(\\d+)");

    public ShardRange {
        if (total < 1 || first < 0 || last < first || last >= total) {
            throw new IllegalArgumentException("shard range " + first + "-" + last + "/" + total
                    + " is not within 0.." + (total - 1));
        }
    }

    /**
     * {@code "0-3/16"} (shards 0 to 3 of 16), {@code "5/16"} (shard 5 of 16) or {@code "16"} (all 16 shards; the
     * older form). {@code "1"} or {@code "0"} is one unsharded connection.
     */
    public static ShardRange parse(String text) {
        String value = text == null ? "" : text.strip();
        if (value.matches("\\d+")) {
            int total = Integer.parseInt(value);
            return total <= 1 ? ALL : new ShardRange(0, total - 1, total);
        }
        Matcher m = RANGE.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("shards must look like 0-3/16 (shards 0 to 3 of 16), 5/16 or 16, got '"
                    + value + "'");
        }
        int first = Integer.parseInt(m.group(1));
        int last = m.group(2) == null ? first : Integer.parseInt(m.group(2));
        return new ShardRange(first, last, Integer.parseInt(m.group(3)));
    }

    /** Discord's shard of a guild. */
    public static int shardOf(long guildId, int total) {
        return (int) ((guildId >> 22) % total);
    }

    public boolean serves(long guildId) {
        int shard = shardOf(guildId, total);
        return shard >= first && shard <= last;
    }

    /** Whether this is one connection without a shard manager. */
    public boolean unsharded() {
        return total == 1;
    }

    /** The SQL condition on {@code guild_id}, with {@link #sqlParameters()} bound in this order. */
    public static final String SQL = "(guild_id >> 22) % ? BETWEEN ? AND ?";

    public Object[] sqlParameters() {
        return new Object[]{(long) total, (long) first, (long) last};
    }

    @Override
    public String toString() {
        return first + "-" + last + "/" + total;
    }
}
