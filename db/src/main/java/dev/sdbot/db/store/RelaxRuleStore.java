package dev.sdbot.db.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Where relax mode is on: per guild, for everyone ({@link #EVERYONE}) or for the members with a role. A member it
 * covers who is over a daily quota keeps generating at the lowest priority instead of being refused.
 */
public final class RelaxRuleStore {
    /** The role id that stands for the whole guild. */
    public static final long EVERYONE = 0;
    private final DataSource dataSource;

    public RelaxRuleStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Turns relax mode on for the role (or {@link #EVERYONE}); false when it was on already. */
    public boolean enable(long guildId, long roleId, long by) {
        return update("INSERT INTO relax_rules (guild_id, role_id, created_by) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                guildId, roleId, by) == 1;
    }

    /** Turns it off for the role (or {@link #EVERYONE}); false when it was not on. */
    public boolean disable(long guildId, long roleId) {
        return update("DELETE FROM relax_rules WHERE guild_id = ? AND role_id = ?", guildId, roleId) == 1;
    }

    /** The roles it is on for, {@link #EVERYONE} first. */
    public List<Long> roles(long guildId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT role_id FROM relax_rules WHERE guild_id = ? ORDER BY role_id")) {
            ps.setLong(1, guildId);
            List<Long> roles = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roles.add(rs.getLong(1));
                }
            }
            return roles;
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the relax mode of guild " + guildId + ": " + e.getMessage(), e);
        }
    }

    private int update(String sql, long... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setLong(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot change relax mode: " + e.getMessage(), e);
        }
    }
}
