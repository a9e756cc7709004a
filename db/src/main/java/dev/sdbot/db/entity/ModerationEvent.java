package dev.sdbot.db.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import java.time.Instant;

/** Something moderation-relevant happened (blocked prompt, NSFW image, quota change...). */
@Entity
@Table(name = "moderation_events")
public class ModerationEvent {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(name = "guild_id", nullable = false)
    private long guildId;
    @Column(name = "job_id")
    private Long jobId;
    @Column(name = "user_id", nullable = false)
    private long userId;
    @Column(name = "moderator_id")
    private Long moderatorId;
    @Column(nullable = false)
    private String kind;
    @Column(nullable = false)
    private String reason;
    /** JSON object with event-specific details. */
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(nullable = false)
    private String details = "{}";
    @Column(name = "created_at", nullable = false)
    private Instant createdAt;

    protected ModerationEvent() {
    }

    public ModerationEvent(long guildId, Long jobId, long userId, Long moderatorId, String kind, String reason,
                           String detailsJson, Instant createdAt) {
        this.guildId = guildId;
        this.jobId = jobId;
        this.userId = userId;
        this.moderatorId = moderatorId;
        this.kind = kind;
        this.reason = reason;
        this.details = detailsJson == null ? "{}" : detailsJson;
        this.createdAt = createdAt;
    }

    public Long getId() {
        return id;
    }

    public long getGuildId() {
        return guildId;
    }

    public Long getJobId() {
        return jobId;
    }

    public long getUserId() {
        return userId;
    }

    public Long getModeratorId() {
        return moderatorId;
    }

    public String getKind() {
        return kind;
    }

    public String getReason() {
        return reason;
    }

    public String getDetails() {
        return details;
    }

    public Instant getCreatedAt() {
        return createdAt;
    }
}
