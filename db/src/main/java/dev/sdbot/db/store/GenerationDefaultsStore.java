package dev.sdbot.db.store;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;

/** /imagine defaults of a guild (channel 0) or a channel; see migrations V3 and V33 (clip skip). */
public final class GenerationDefaultsStore {

    /** One row; null fields inherit from the guild row or the bot's defaults. */
    public record GenerationDefaults(long guildId, long channelId, String model, String sampler, Integer steps,
                                     Double cfgScale, Integer width, Integer height, String negativePrompt,
                                     Long maxPixels, Integer clipSkip) {
        /** Without a clip skip of its own. */
        public GenerationDefaults(long guildId, long channelId, String model, String sampler, Integer steps,
                                  Double cfgScale, Integer width, Integer height, String negativePrompt, Long maxPixels) {
            this(guildId, channelId, model, sampler, steps, cfgScale, width, height, negativePrompt, maxPixels, null);
        }

        public static GenerationDefaults none(long guildId, long channelId) {
            return new GenerationDefaults(guildId, channelId, null, null, null, null, null, null, null, null, null);
        }
    }

    private static final String COLUMNS = "guild_id, channel_id, model, sampler, steps, cfg_scale, width, height,"
            + " negative_prompt, max_pixels, clip_skip";

    private final DataSource dataSource;

    public GenerationDefaultsStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    public Optional<GenerationDefaults> find(long guildId, long channelId) {
        try (Connection c = dataSource.getConnection()) {
            return find(c, guildId, channelId);
        } catch (SQLException e) {
            throw new IllegalStateException("could not read generation defaults of guild " + guildId + ": " + e.getMessage(), e);
        }
    }

    /** As {@link #find(long, long)}, on the caller's connection (and transaction). */
    public static Optional<GenerationDefaults> find(Connection c, long guildId, long channelId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS
                + " FROM generation_defaults WHERE guild_id = ? AND channel_id = ?")) {
            ps.setLong(1, guildId);
            ps.setLong(2, channelId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new GenerationDefaults(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                        rs.getObject(5, Integer.class), rs.getObject(6, Double.class), rs.getObject(7, Integer.class),
                        rs.getObject(8, Integer.class), rs.getString(9), rs.getObject(10, Long.class),
                        rs.getObject(11, Integer.class)));
            }
        }
    }

    /** Inserts or replaces the row. */
    public void put(GenerationDefaults d, Instant now) {
        try (Connection c = dataSource.getConnection()) {
            put(c, d, now);
        } catch (SQLException e) {
            throw new IllegalStateException("could not save generation defaults of guild " + d.guildId() + ": " + e.getMessage(), e);
        }
    }

    /** As {@link #put(GenerationDefaults, Instant)}, on the caller's connection (and transaction). */
    public static void put(Connection c, GenerationDefaults d, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO generation_defaults (" + COLUMNS + ", updated_at)"
                     + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (guild_id, channel_id) DO UPDATE SET"
                     + " model = excluded.model, sampler = excluded.sampler, steps = excluded.steps,"
                     + " cfg_scale = excluded.cfg_scale, width = excluded.width, height = excluded.height,"
                     + " negative_prompt = excluded.negative_prompt, max_pixels = excluded.max_pixels,"
                     + " clip_skip = excluded.clip_skip,"
                     + " updated_at = excluded.updated_at")) {
            Object[] values = {d.guildId(), d.channelId(), d.model(), d.sampler(), d.steps(), d.cfgScale(), d.width(),
                    d.height(), d.negativePrompt(), d.maxPixels(), d.clipSkip(), Timestamp.from(now)};
            for (int i = 0; i < values.length; i++) {
                ps.setObject(i + 1, values[i]);
            }
            ps.executeUpdate();
        }
    }
}
