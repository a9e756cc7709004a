package dev.sdbot.db.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Per-channel overrides of a guild's NSFW policy ({@code channel_nsfw_policies}); see migration V7. */
public final class ChannelNsfwPolicyStore {
    private final DataSource dataSource;

    public ChannelNsfwPolicyStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** The channel's own policy (BLOCK, BLUR, SPOILER or ALLOW), empty when it inherits the guild's. */
    public Optional<String> find(long guildId, long channelId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT nsfw_policy FROM channel_nsfw_policies WHERE guild_id = ? AND channel_id = ?")) {
            ps.setLong(1, guildId);
            ps.setLong(2, channelId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the NSFW policy of channel " + channelId + ": " + e.getMessage(), e);
        }
    }

    /** Every override of the guild, channel id → policy. */
    public Map<Long, String> ofGuild(long guildId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "SELECT channel_id, nsfw_policy FROM channel_nsfw_policies WHERE guild_id = ? ORDER BY channel_id")) {
            ps.setLong(1, guildId);
            Map<Long, String> policies = new LinkedHashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    policies.put(rs.getLong(1), rs.getString(2));
                }
            }
            return policies;
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the NSFW policies of guild " + guildId + ": " + e.getMessage(), e);
        }
    }

    /** Sets (or replaces) the channel's override; the table's check constraint rejects unknown policies. */
    public void put(long guildId, long channelId, String policy, long updatedBy, Instant now) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO channel_nsfw_policies"
                     + " (guild_id, channel_id, nsfw_policy, updated_by, updated_at) VALUES (?, ?, ?, ?, ?)"
                     + " ON CONFLICT (guild_id, channel_id) DO UPDATE SET nsfw_policy = excluded.nsfw_policy,"
                     + " updated_by = excluded.updated_by, updated_at = excluded.updated_at")) {
            ps.setLong(1, guildId);
            ps.setLong(2, channelId);
            ps.setString(3, policy);
            ps.setLong(4, updatedBy);
            ps.setTimestamp(5, Timestamp.from(now));
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not save the NSFW policy of channel " + channelId + ": " + e.getMessage(), e);
        }
    }

    /** Removes the channel's override (it inherits the guild's policy again); false if it had none. */
    public boolean clear(long guildId, long channelId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "DELETE FROM channel_nsfw_policies WHERE guild_id = ? AND channel_id = ?")) {
            ps.setLong(1, guildId);
            ps.setLong(2, channelId);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("could not clear the NSFW policy of channel " + channelId + ": " + e.getMessage(), e);
        }
    }
}
