package dev.sdbot.db.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** Per-guild policy. A guild without a row uses the defaults of this class. */
@Entity
@Table(name = "guild_settings")
public class GuildSettings {
    @Id
    @Column(name = "guild_id")
    private long guildId;
    @Column(name = "nsfw_policy", nullable = false)
    private String nsfwPolicy = "BLOCK";
    @Column(name = "mod_log_channel_id")
    private Long modLogChannelId;
    @Column(name = "default_model")
    private String defaultModel;
    @Column(name = "max_steps")
    private Integer maxSteps;
    @Column(name = "max_images")
    private Integer maxImages;
    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected GuildSettings() {
    }

    public GuildSettings(long guildId, Instant now) {
        this.guildId = guildId;
        this.updatedAt = now;
    }

    public long getGuildId() {
        return guildId;
    }

    /** POST, SPOILER, BLUR or BLOCK. */
    public String getNsfwPolicy() {
        return nsfwPolicy;
    }

    public void setNsfwPolicy(String nsfwPolicy, Instant now) {
        if (!java.util.Set.of("POST", "SPOILER", "BLUR", "BLOCK").contains(nsfwPolicy)) {
            throw new IllegalArgumentException("NSFW policy must be POST, SPOILER, BLUR or BLOCK, got '" + nsfwPolicy + "'");
        }
        this.nsfwPolicy = nsfwPolicy;
        this.updatedAt = now;
    }

    public Long getModLogChannelId() {
        return modLogChannelId;
    }

    public void setModLogChannelId(Long modLogChannelId, Instant now) {
        this.modLogChannelId = modLogChannelId;
        this.updatedAt = now;
    }

    public String getDefaultModel() {
        return defaultModel;
    }

    public void setDefaultModel(String defaultModel, Instant now) {
        this.defaultModel = defaultModel;
        this.updatedAt = now;
    }

    public Integer getMaxSteps() {
        return maxSteps;
    }

    public Integer getMaxImages() {
        return maxImages;
    }

    public void setLimits(Integer maxSteps, Integer maxImages, Instant now) {
        this.maxSteps = maxSteps;
        this.maxImages = maxImages;
        this.updatedAt = now;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
