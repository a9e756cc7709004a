package dev.sdbot.db.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;
import java.util.List;

/** Per-guild policy. A guild without a row uses the defaults of this class. */
@Entity
@Table(name = "guild_settings")
public class GuildSettings {
    public static final int MAX_NEGATIVE_PREFIX = 500;
    @Id
    @Column(name = "guild_id")
    private long guildId;
    @Column(name = "nsfw_policy", nullable = false)
    private String nsfwPolicy = "BLOCK";
    @Column(name = "mod_log_channel_id")
    private Long modLogChannelId;
    @Column(name = "max_steps")
    private Integer maxSteps;
    @Column(name = "max_images")
    private Integer maxImages;
    @Column(name = "nsfw_threshold_shift", nullable = false)
    private float nsfwThresholdShift;
    @Column(name = "allow_unchecked", nullable = false)
    private boolean allowUnchecked;
    @Column(name = "previews_enabled", nullable = false)
    private boolean previewsEnabled = true;
    @Column(name = "moderator_role_id")
    private Long moderatorRoleId;
    @Column(name = "default_filters_enabled", nullable = false)
    private boolean defaultFiltersEnabled;
    @Column(name = "imagine_channel_ids", nullable = false)
    private long[] imagineChannelIds = new long[0];
    @Column(name = "negative_prompt_prefix", nullable = false)
    private String negativePromptPrefix = "";
    @Column(name = "allowed_models")
    private String[] allowedModels;

    @Column(name = "allowed_loras")
    private String[] allowedLoras;

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

    /** ALLOW, SPOILER, BLUR or BLOCK. */
    public String getNsfwPolicy() {
        return nsfwPolicy;
    }

    public void setNsfwPolicy(String nsfwPolicy, Instant now) {
        if (!java.util.Set.of("ALLOW", "SPOILER", "BLUR", "BLOCK").contains(nsfwPolicy)) {
            throw new IllegalArgumentException("NSFW policy must be ALLOW, SPOILER, BLUR or BLOCK, got '" + nsfwPolicy + "'");
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

    /** Added to every concept score of the safety checker: above 0 stricter, below 0 more lenient. */
    public float getNsfwThresholdShift() {
        return nsfwThresholdShift;
    }

    public void setNsfwThresholdShift(float shift, Instant now) {
        if (!(shift >= -1 && shift <= 1)) {
            throw new IllegalArgumentException("the NSFW threshold shift must be between -1 and 1, got " + shift);
        }
        this.nsfwThresholdShift = shift;
        this.updatedAt = now;
    }

    /** Whether images no safety checker has seen may be handled like clean ones. */
    public boolean isAllowUnchecked() {
        return allowUnchecked;
    }

    public void setAllowUnchecked(boolean allowUnchecked, Instant now) {
        this.allowUnchecked = allowUnchecked;
        this.updatedAt = now;
    }

    public boolean isPreviewsEnabled() {
        return previewsEnabled;
    }

    public void setPreviewsEnabled(boolean previewsEnabled, Instant now) {
        this.previewsEnabled = previewsEnabled;
        this.updatedAt = now;
    }

    /** Members with this role count as moderators besides those with Manage Messages. */
    public Long getModeratorRoleId() {
        return moderatorRoleId;
    }

    public void setModeratorRoleId(Long moderatorRoleId, Instant now) {
        this.moderatorRoleId = moderatorRoleId;
        this.updatedAt = now;
    }

    public boolean isDefaultFiltersEnabled() {
        return defaultFiltersEnabled;
    }

    public void setDefaultFiltersEnabled(boolean enabled, Instant now) {
        this.defaultFiltersEnabled = enabled;
        this.updatedAt = now;
    }

    /** Channels where /imagine may be used; empty = all. */
    public long[] getImagineChannelIds() {
        return imagineChannelIds.clone();
    }

    public void setImagineChannelIds(long[] channelIds, Instant now) {
        this.imagineChannelIds = channelIds.clone();
        this.updatedAt = now;
    }

    /** Prepended to every member's negative prompt in this guild; empty = none. */
    public String getNegativePromptPrefix() {
        return negativePromptPrefix;
    }

    public void setNegativePromptPrefix(String prefix, Instant now) {
        if (prefix.length() > MAX_NEGATIVE_PREFIX) {
            throw new IllegalArgumentException("the negative-prompt prefix is " + prefix.length() + " characters, at most "
                    + MAX_NEGATIVE_PREFIX + " allowed");
        }
        this.negativePromptPrefix = prefix.strip();
        this.updatedAt = now;
    }

    /** The models members may use, or null for any. */
    public List<String> getAllowedModels() {
        return allowedModels == null ? null : List.of(allowedModels);
    }

    /** The LoRAs members may use (empty = none), or null for any. */
    public List<String> getAllowedLoras() {
        return allowedLoras == null ? null : List.of(allowedLoras);
    }

    /** @param models null lifts the restriction */
    public void setAllowedModels(List<String> models, Instant now) {
        this.allowedModels = models == null ? null : models.toArray(String[]::new);
        this.updatedAt = now;
    }

    /** @param loras null lifts the restriction, empty allows none */
    public void setAllowedLoras(List<String> loras, Instant now) {
        this.allowedLoras = loras == null ? null : loras.toArray(String[]::new);
        this.updatedAt = now;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
