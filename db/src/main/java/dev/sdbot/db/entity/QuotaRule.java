package dev.sdbot.db.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EnumType;
import jakarta.persistence.Enumerated;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import java.time.Instant;

/** Daily limits (and concurrent jobs) for a guild's default, one role or one user; null means unlimited. */
@Entity
@Table(name = "quota_rules")
public class QuotaRule {
    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    private Long id;
    @Column(name = "guild_id", nullable = false)
    private long guildId;
    @Enumerated(EnumType.STRING)
    @Column(nullable = false)
    private QuotaScope scope;
    @Column(name = "subject_id", nullable = false)
    private long subjectId;
    @Column(name = "images_per_day")
    private Integer imagesPerDay;
    @Column(name = "gpu_seconds_per_day")
    private Integer gpuSecondsPerDay;
    @Column(name = "concurrent_jobs")
    private Integer concurrentJobs;
    @Column(name = "updated_at", nullable = false)
    private Instant updatedAt;

    protected QuotaRule() {
    }

    public QuotaRule(long guildId, QuotaScope scope, long subjectId, Integer imagesPerDay, Integer gpuSecondsPerDay,
                     Integer concurrentJobs, Instant updatedAt) {
        this.guildId = guildId;
        this.scope = scope;
        this.subjectId = scope == QuotaScope.GUILD_DEFAULT ? 0 : subjectId;
        setLimits(imagesPerDay, gpuSecondsPerDay, concurrentJobs, updatedAt);
    }

    public void setLimits(Integer imagesPerDay, Integer gpuSecondsPerDay, Integer concurrentJobs, Instant updatedAt) {
        if ((imagesPerDay != null && imagesPerDay < 0) || (gpuSecondsPerDay != null && gpuSecondsPerDay < 0)) {
            throw new IllegalArgumentException("quota limits cannot be negative");
        }
        if (concurrentJobs != null && concurrentJobs < 1) {
            throw new IllegalArgumentException("the concurrent job limit must be at least 1");
        }
        this.imagesPerDay = imagesPerDay;
        this.gpuSecondsPerDay = gpuSecondsPerDay;
        this.concurrentJobs = concurrentJobs;
        this.updatedAt = updatedAt;
    }

    public Long getId() {
        return id;
    }

    public long getGuildId() {
        return guildId;
    }

    public QuotaScope getScope() {
        return scope;
    }

    public long getSubjectId() {
        return subjectId;
    }

    public Integer getImagesPerDay() {
        return imagesPerDay;
    }

    public Integer getGpuSecondsPerDay() {
        return gpuSecondsPerDay;
    }

    /** Jobs of the member queued or running at once; null = unlimited. */
    public Integer getConcurrentJobs() {
        return concurrentJobs;
    }

    public Instant getUpdatedAt() {
        return updatedAt;
    }
}
