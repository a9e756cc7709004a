package dev.sdbot.db.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** A guild's prompt filter rule: a word/phrase or a regular expression that blocks, strips or warns. */
@Entity
@Table(name = "filter_rules")
public class FilterRule {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(name = "guild_id", nullable = false)
    private long guildId;
    /** PHRASE or REGEX. */
    @Column(nullable = false)
    private String kind;
    @Column(nullable = false)
    private String pattern;
    /** BLOCK, STRIP or WARN. */
    @Column(nullable = false)
    private String action;
    @Column(name = "created_by", nullable = false)
    private long createdBy;
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected FilterRule() {
    }

    public FilterRule(long guildId, String kind, String pattern, String action, long createdBy, Instant createdAt) {
        this.guildId = guildId;
        this.kind = kind;
        this.pattern = pattern;
        this.action = action;
        this.createdBy = createdBy;
        this.createdAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public long getGuildId() {
        return guildId;
    }

    public String getKind() {
        return kind;
    }

    public String getPattern() {
        return pattern;
    }

    public String getAction() {
        return action;
    }

    public long getCreatedBy() {
        return createdBy;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
