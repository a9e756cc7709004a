package dev.sdbot.db.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** Members a moderator blocked from generating in one guild ({@code member_blocks}, migration V7). */
public final class MemberBlockStore {

    /** One block; {@code expiresAt} null means until a moderator unblocks. */
    public record MemberBlock(long guildId, long userId, long blockedBy, String reason, Instant expiresAt,
                              Instant createdAt) {
    }

    private final DataSource dataSource;

    public MemberBlockStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Blocks the member in the guild for {@code duration} (null: until unblocked), replacing an earlier block of theirs
     * there. The end is set on the database's clock, the one {@link #activeBlock} tests it against, so every bot
     * process agrees on it and the Discord countdown shows it whatever the host's clock says.
     */
    public MemberBlock block(long guildId, long userId, long blockedBy, String reason, Duration duration) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("INSERT INTO member_blocks"
                     + " (guild_id, user_id, blocked_by, reason, expires_at, created_at)"
                     + " VALUES (?, ?, ?, ?, now() + ? * interval '1 millisecond', now())"
                     + " ON CONFLICT (guild_id, user_id) DO UPDATE SET blocked_by = excluded.blocked_by,"
                     + " reason = excluded.reason, expires_at = excluded.expires_at, created_at = excluded.created_at"
                     + " RETURNING expires_at, created_at")) {
            ps.setLong(1, guildId);
            ps.setLong(2, userId);
            ps.setLong(3, blockedBy);
            ps.setString(4, reason);
            ps.setObject(5, duration == null ? null : duration.toMillis(), java.sql.Types.BIGINT);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp expires = rs.getTimestamp(1);
                return new MemberBlock(guildId, userId, blockedBy, reason, expires == null ? null : expires.toInstant(),
                        rs.getTimestamp(2).toInstant());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not block member " + userId + " in guild " + guildId + ": " + e.getMessage(), e);
        }
    }

    /** Lifts the member's block in the guild; false if there was none. */
    public boolean unblock(long guildId, long userId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM member_blocks WHERE guild_id = ? AND user_id = ?")) {
            ps.setLong(1, guildId);
            ps.setLong(2, userId);
            return ps.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("could not unblock member " + userId + " in guild " + guildId + ": " + e.getMessage(), e);
        }
    }

    /** The member's block in the guild if it is in force now, by the database's clock (an expired one is ignored). */
    public Optional<MemberBlock> activeBlock(long guildId, long userId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT blocked_by, reason, expires_at, created_at FROM member_blocks"
                     + " WHERE guild_id = ? AND user_id = ? AND (expires_at IS NULL OR expires_at > now())")) {
            ps.setLong(1, guildId);
            ps.setLong(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Timestamp expires = rs.getTimestamp(3);
                return Optional.of(new MemberBlock(guildId, userId, rs.getLong(1), rs.getString(2),
                        expires == null ? null : expires.toInstant(), rs.getTimestamp(4).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read the block of member " + userId + " in guild " + guildId
                    + ": " + e.getMessage(), e);
        }
    }
}
