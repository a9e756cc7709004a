package dev.sdbot.scheduler.store;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.ActiveJobs;
import dev.sdbot.scheduler.CancelOutcome;
import dev.sdbot.scheduler.JobInputs;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.JobView;
import dev.sdbot.scheduler.ShardRange;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs table as seen by submitters, operators and the bot. Each state change is one SQL
 * update guarded by the expected state and attempt, so concurrent writers cannot both win.
 */
public final class JobStore {
    private final DataSource dataSource;

    public JobStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** Inserts a QUEUED job inside the caller's transaction; its input images are already in the image store. */
    public long insert(Connection c, JobSubmission submission, long seed, int maxAttempts, JobInputs inputs) throws SQLException {
        GenerationRequest r = submission.request();
        Object[] hires = JobRows.hiresValues(r);
        Object[] controls = ControlUnitRows.values(c, r, inputs);
        String sql = "INSERT INTO jobs (state, " + JobRows.REQUEST_COLUMNS + ", priority, max_attempts, progress_total,"
                + " guild_id, channel_id, user_id, interaction_id, interaction_token, token_expires_at, created_at, updated_at)"
                + " VALUES ('QUEUED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::double precision, ?, ?,"
                + " ?::double precision, ?::jsonb, ?::text[], ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, now(), now())"; // the database's clock, like every later stamp
        try (PreparedStatement ps = c.prepareStatement(sql, Statement.RETURN_GENERATED_KEYS)) {
            Sql.bind(ps, r.prompt(), r.negativePrompt(), r.model(), r.sampler().id(), r.steps(), r.cfgScale(), r.width(),
                    r.height(), seed, r.count(), inputs.initKey(), r.strength(), inputs.maskKey(), r.clipSkip(),
                    hires[0], hires[1], hires[2], hires[3], controls[0], controls[1], r.upscaler(), r.variationSeed(),
                    r.variationStrength(), submission.priority(), maxAttempts,
                    r.steps() * r.count(),
                    submission.origin().guildId(), submission.origin().channelId(), submission.origin().userId(),
                    submission.origin().interactionId(), submission.origin().interactionToken(),
                    submission.origin().tokenExpiresAt());
            ps.executeUpdate();
            try (ResultSet keys = ps.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        }
    }

    /**
     * Inserts a QUEUED job in one statement (autocommit) unless a quota rule of the job's guild could apply to
     * its requester (guild default, the user's own, or one of the given roles'); returns null then, and nothing
     * is inserted, so the caller takes the quota-checked path.
     */
    public Long insertUnlessQuotaRule(Connection c, JobSubmission submission, long seed, int maxAttempts, JobInputs inputs)
            throws SQLException {
        GenerationRequest r = submission.request();
        Object[] hires = JobRows.hiresValues(r);
        Object[] controls = ControlUnitRows.values(c, r, inputs);
        String sql = "INSERT INTO jobs (state, " + JobRows.REQUEST_COLUMNS + ", priority, max_attempts, progress_total,"
                + " guild_id, channel_id, user_id, interaction_id, interaction_token, token_expires_at, created_at, updated_at)"
                + " SELECT 'QUEUED', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::text, ?, ?::text, ?, ?::double precision, ?, ?,"
                + " ?::double precision, ?::jsonb, ?::text[], ?, ?::bigint, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
                + " ?::timestamptz, now(), now()"
                + " WHERE NOT EXISTS (SELECT 1 FROM quota_rules WHERE guild_id = ? AND (scope = 'GUILD_DEFAULT'"
                + " OR (scope = 'USER' AND subject_id = ?) OR (scope = 'ROLE' AND subject_id = ANY (?))))"
                + " RETURNING id";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, r.prompt(), r.negativePrompt(), r.model(), r.sampler().id(), r.steps(), r.cfgScale(), r.width(),
                    r.height(), seed, r.count(), inputs.initKey(), r.strength(), inputs.maskKey(), r.clipSkip(),
                    hires[0], hires[1], hires[2], hires[3], controls[0], controls[1], r.upscaler(), r.variationSeed(),
                    r.variationStrength(), submission.priority(), maxAttempts,
                    r.steps() * r.count(),
                    submission.origin().guildId(), submission.origin().channelId(), submission.origin().userId(),
                    submission.origin().interactionId(), submission.origin().interactionToken(),
                    submission.origin().tokenExpiresAt(),
                    submission.origin().guildId(), submission.origin().userId(),
                    c.createArrayOf("bigint", submission.roleIds().toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : null;
            }
        }
    }

    public Optional<JobView> find(long id) {
        List<JobView> found = query("SELECT " + JobRows.VIEW_COLUMNS + " FROM jobs WHERE id = ?", id);
        return found.stream().findFirst();
    }

    /** The job if it was submitted in that guild. */
    public Optional<JobView> findInGuild(long id, long guildId) {
        return query("SELECT " + JobRows.VIEW_COLUMNS + " FROM jobs WHERE id = ? AND guild_id = ?", id, guildId)
                .stream().findFirst();
    }

    public List<JobView> jobsOf(long guildId, long userId, int limit) {
        return query("SELECT " + JobRows.VIEW_COLUMNS + " FROM jobs WHERE guild_id = ? AND user_id = ?"
                + " ORDER BY created_at DESC, id DESC LIMIT ?", guildId, userId, limit);
    }

    public List<JobView> jobsOf(long userId, int limit) {
        return query("SELECT " + JobRows.VIEW_COLUMNS + " FROM jobs WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                userId, limit);
    }

    public List<JobView> recent(int limit) {
        return query("SELECT " + JobRows.VIEW_COLUMNS + " FROM jobs ORDER BY id DESC LIMIT ?", limit);
    }

    /** The newest jobs of one guild, newest first. */
    public List<JobView> recentInGuild(long guildId, int limit) {
        return query("SELECT " + JobRows.VIEW_COLUMNS + " FROM jobs WHERE guild_id = ? ORDER BY created_at DESC, id DESC LIMIT ?",
                guildId, limit);
    }

    /**
     * Jobs not finished with (QUEUED, ASSIGNED, RUNNING, SUCCEEDED and not yet posted) per state, of the given guilds
     * or of all ({@code guilds == null}), and how long the oldest queued one has waited by the database's clock (null
     * when none waits).
     */
    public ActiveJobs activeJobs(Collection<Long> guilds) {
        return Sql.withConnection(dataSource, "active jobs per state", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT state, count(*),"
                    + " extract(epoch FROM now() - min(created_at)) * 1000 FROM jobs"
                    + " WHERE state IN ('QUEUED', 'ASSIGNED', 'RUNNING', 'SUCCEEDED')"
                    + (guilds == null ? "" : " AND guild_id = ANY (?)") + " GROUP BY state")) {
                if (guilds != null) {
                    ps.setArray(1, c.createArrayOf("bigint", guilds.toArray()));
                }
                Map<JobState, Long> perState = new EnumMap<>(JobState.class);
                Duration oldest = null;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        JobState state = JobState.valueOf(rs.getString(1));
                        perState.put(state, rs.getLong(2));
                        if (state == JobState.QUEUED) {
                            oldest = Duration.ofMillis(Math.max(0, (long) rs.getDouble(3)));
                        }
                    }
                }
                return new ActiveJobs(perState, oldest);
            }
        });
    }

    /** The guilds that have jobs (the CLI's guild 0 aside). */
    public java.util.SortedSet<Long> guildsWithJobs() {
        return Sql.withConnection(dataSource, "guilds with jobs", c -> {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT DISTINCT guild_id FROM jobs WHERE guild_id <> 0")) {
                java.util.SortedSet<Long> guilds = new java.util.TreeSet<>();
                while (rs.next()) {
                    guilds.add(rs.getLong(1));
                }
                return guilds;
            }
        });
    }

    /** Input images kept in the row by a job queued before the image store (V34): {init, mask}, each possibly null. */
    public byte[][] inputImagesInRow(long id) {
        return Sql.withConnection(dataSource, "read input images of job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT init_image, mask_image FROM jobs WHERE id = ?")) {
                Sql.bind(ps, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? new byte[][] {rs.getBytes(1), rs.getBytes(2)} : new byte[][] {null, null};
                }
            }
        });
    }

    /** The request with the control images kept in the row by a job queued before V42 (unchanged when none are). */
    public GenerationRequest withControlImagesInRow(long id, GenerationRequest request) {
        List<byte[]> images = Sql.withConnection(dataSource, "read control images of job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT control_images FROM jobs WHERE id = ?")) {
                Sql.bind(ps, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? ControlUnitRows.imagesInRow(rs.getArray(1)) : null;
                }
            }
        });
        return images == null ? request : request.withControls(ControlUnitRows.withImages(request.controls(), images));
    }

    /** The step preview of the job's current attempt, or null (none yet, or the attempt ended). */
    public byte[] preview(long id, int attempt) {
        return Sql.withConnection(dataSource, "read preview of job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT png FROM job_previews WHERE job_id = ? AND attempt = ?")) {
                Sql.bind(ps, id, attempt);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getBytes(1) : null;
                }
            }
        });
    }

    /** The posting sweep (bind the shard range's parameters, then the limit); its plan is checked on a large table. */
    public static final String UNPOSTED_ON_SHARDS = "SELECT id FROM jobs WHERE state = 'SUCCEEDED'"
            + " AND guild_id <> 0 AND " + ShardRange.SQL + " ORDER BY finished_at, id LIMIT ?";

    /** Dispatch positions of the given queued jobs (bind a bigint[]); its plan is checked on a large table. */
    public static final String QUEUE_POSITIONS = "SELECT id, pos FROM (SELECT id, row_number() OVER (ORDER BY "
            + FairShare.ORDER_BY + ") AS pos FROM (" + FairShare.RANKED_QUEUE + ") ranked) ordered WHERE id = ANY (?)";

    /**
     * Ids of the SUCCEEDED jobs of the guilds on the given shards (the CLI's guild 0 aside), oldest first
     * (jobs_unposted_order_idx: only unposted results are read, the shard test filters them); ids only, the poster
     * reads each job as it posts it.
     */
    public List<Long> unpostedSucceeded(ShardRange shards, int limit) {
        return Sql.withConnection(dataSource, "read unposted results", c -> {
            try (PreparedStatement ps = c.prepareStatement(UNPOSTED_ON_SHARDS)) {
                Sql.bind(ps, append(shards.sqlParameters(), limit));
                List<Long> ids = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        ids.add(rs.getLong(1));
                    }
                }
                return ids;
            }
        });
    }

    /** QUEUED, ASSIGNED and RUNNING jobs of the guilds on the given shards, newest first (jobs_guild_user_active_idx). */
    public List<JobView> activeOnShards(ShardRange shards, int limit) {
        return query("SELECT " + JobRows.VIEW_COLUMNS + " FROM jobs WHERE state IN ('QUEUED', 'ASSIGNED', 'RUNNING')"
                + " AND guild_id <> 0 AND " + ShardRange.SQL + " ORDER BY id DESC LIMIT ?", append(shards.sqlParameters(), limit));
    }

    /**
     * The guilds on the given shards, other than {@code servedGuildIds}, that have results which finished more than
     * {@code grace} ago by the database's clock: the candidates for "the bot left the guild".
     */
    public List<Long> guildsWithStaleResults(ShardRange shards, Collection<Long> servedGuildIds, Duration grace) {
        return Sql.withConnection(dataSource, "guilds with stale results", c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT guild_id FROM jobs WHERE state = 'SUCCEEDED'"
                    + " AND guild_id <> 0 AND " + ShardRange.SQL + " AND guild_id <> ALL (?)"
                    + " AND finished_at < now() - ? * interval '1 millisecond'")) {
                Object[] range = shards.sqlParameters();
                Sql.bind(ps, range[0], range[1], range[2], c.createArrayOf("bigint", servedGuildIds.toArray()), grace.toMillis());
                return longs(ps);
            }
        });
    }

    /**
     * SUCCEEDED → FAILED with {@code reason} for the results of the given guilds that finished more than
     * {@code grace} ago by the database's clock. Returns the ids failed.
     */
    public List<Long> failUnpostedOf(Collection<Long> guildIds, Duration grace, String reason) {
        return Sql.withConnection(dataSource, "fail results of departed guilds", c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET state = 'FAILED', error = ?, updated_at = now()"
                    + " WHERE state = 'SUCCEEDED' AND guild_id = ANY (?)"
                    + " AND finished_at < now() - ? * interval '1 millisecond' RETURNING id")) {
                Sql.bind(ps, reason, c.createArrayOf("bigint", guildIds.toArray()), grace.toMillis());
                return longs(ps);
            }
        });
    }

    private static List<Long> longs(PreparedStatement ps) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        }
        return values;
    }

    private static Object[] append(Object[] values, Object last) {
        Object[] all = java.util.Arrays.copyOf(values, values.length + 1);
        all[values.length] = last;
        return all;
    }

    /**
     * Cancels a QUEUED, ASSIGNED or RUNNING job; a running worker notices at its next step.
     *
     * @param guildId the guild the job must belong to (a job of another guild is NOT_FOUND), or null for any
     */
    /** The error of a job its requester cancelled: the GPU time it used is billed to them (see AttemptStore). */
    public static final String CANCELLED_BY_REQUESTER = "cancelled by the requester";

    public CancelOutcome cancel(long id, Long guildId, long requesterUserId, boolean isModerator, Instant now) {
        // Re-read and retry when the job moved on between the read and the guarded update.
        for (int tries = 0; tries < 10; tries++) {
            Optional<JobView> job = guildId == null ? find(id) : findInGuild(id, guildId);
            if (job.isEmpty()) {
                return CancelOutcome.NOT_FOUND;
            }
            JobView view = job.get();
            if (!isModerator && view.origin().userId() != requesterUserId) {
                return CancelOutcome.NOT_ALLOWED;
            }
            if (!view.state().isActive()) {
                return CancelOutcome.ALREADY_FINISHED;
            }
            String reason = view.origin().userId() == requesterUserId ? CANCELLED_BY_REQUESTER
                    : "cancelled by moderator " + requesterUserId;
            int updated = Sql.update(dataSource, "cancel job " + id,
                    "UPDATE jobs SET state = 'CANCELLED', error = ?, lease_expires_at = NULL, finished_at = ?, updated_at = ?"
                            + " WHERE id = ? AND state = ? AND attempt = ?",
                    reason, now, now, id, view.state().name(), view.attempt());
            if (updated == 1) {
                return CancelOutcome.CANCELLED;
            }
        }
        throw new IllegalStateException("job " + id + " kept changing state while cancelling");
    }

    /**
     * Records that a channel post of the job's result is about to be tried, and returns when earlier ones were tried
     * (first, last; database clock), if any: Discord may have accepted one of them.
     */
    public Optional<Instant[]> recordChannelPostTry(long id) {
        return Sql.withConnection(dataSource, "record a post of job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE jobs j SET post_first_tried_at = COALESCE(o.f, now()),"
                    + " post_last_tried_at = now() FROM (SELECT id, post_first_tried_at AS f, post_last_tried_at AS l FROM jobs"
                    + " WHERE id = ? FOR UPDATE) o WHERE j.id = o.id RETURNING o.f, o.l")) {
                Sql.bind(ps, id);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getObject(1) == null) {
                        return Optional.empty();
                    }
                    return Optional.of(new Instant[] {Sql.instant(rs, "f"), Sql.instant(rs, "l")});
                }
            }
        });
    }

    /** SUCCEEDED → POSTED for the attempt whose result was posted. */
    public boolean markPosted(long id, int attempt, long messageId, Instant now) {
        return Sql.update(dataSource, "mark job " + id + " posted",
                "UPDATE jobs SET state = 'POSTED', posted_message_id = ?, posted_at = ?, updated_at = ?"
                        + " WHERE id = ? AND state = 'SUCCEEDED' AND attempt = ?",
                messageId, now, now, id, attempt) == 1;
    }

    /** QUEUED (prompt filter) or SUCCEEDED (NSFW policy) → BLOCKED. */
    public boolean markBlocked(long id, String reason, Instant now) {
        for (int tries = 0; tries < 10; tries++) {
            Optional<JobView> job = find(id);
            if (job.isEmpty() || !(job.get().state() == JobState.QUEUED || job.get().state() == JobState.SUCCEEDED)) {
                return false;
            }
            int updated = Sql.update(dataSource, "block job " + id,
                    "UPDATE jobs SET state = 'BLOCKED', error = ?, finished_at = COALESCE(finished_at, ?), updated_at = ?"
                            + " WHERE id = ? AND state = ? AND attempt = ?",
                    reason, now, now, id, job.get().state().name(), job.get().attempt());
            if (updated == 1) {
                return true;
            }
        }
        return false;
    }

    /** 1-based position in dispatch order, or 0 when the job is not queued. */
    public int queuePosition(long id) {
        return Sql.withConnection(dataSource, "queue position of job " + id, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT pos FROM (SELECT id, row_number() OVER (ORDER BY "
                    + FairShare.ORDER_BY + ") AS pos FROM (" + FairShare.RANKED_QUEUE + ") ranked) ordered WHERE id = ?")) {
                Sql.bind(ps, id);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? rs.getInt(1) : 0;
                }
            }
        });
    }

    /**
     * The 1-based dispatch positions of the given jobs that are queued, in one pass over the queue (the progress
     * reporter asks for all the jobs it shows at once, not one full-queue ranking per job).
     */
    public Map<Long, Integer> queuePositions(Collection<Long> ids) {
        return Sql.withConnection(dataSource, "queue positions", c -> {
            try (PreparedStatement ps = c.prepareStatement(QUEUE_POSITIONS)) {
                Sql.bind(ps, c.createArrayOf("bigint", ids.toArray()));
                Map<Long, Integer> positions = new java.util.HashMap<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        positions.put(rs.getLong(1), rs.getInt(2));
                    }
                }
                return positions;
            }
        });
    }

    /** The given jobs that exist, in one read. */
    public List<JobView> findAll(Collection<Long> ids) {
        return Sql.withConnection(dataSource, "read jobs", c -> query(c, "SELECT " + JobRows.VIEW_COLUMNS
                + " FROM jobs WHERE id = ANY (?)", c.createArrayOf("bigint", ids.toArray())));
    }

    /** Queued relaxed jobs of a guild (jobs_guild_user_active_idx). */
    public long relaxedWaiting(long guildId) {
        return Sql.withConnection(dataSource, "relaxed jobs of guild " + guildId, c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM jobs WHERE state = 'QUEUED' AND guild_id = ?"
                    + " AND priority = ?")) {
                Sql.bind(ps, guildId, dev.sdbot.scheduler.JobSubmission.RELAX_PRIORITY);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
    }

    public long queueDepth() {
        return Sql.withConnection(dataSource, "queue depth", c -> {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM jobs WHERE state = 'QUEUED'")) {
                rs.next();
                return rs.getLong(1);
            }
        });
    }

    public Map<JobState, Long> countsByState() {
        return Sql.withConnection(dataSource, "job counts", c -> {
            Map<JobState, Long> counts = new EnumMap<>(JobState.class);
            for (JobState s : JobState.values()) {
                counts.put(s, 0L);
            }
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT state, count(*) FROM jobs GROUP BY state")) {
                while (rs.next()) {
                    counts.put(JobState.valueOf(rs.getString(1)), rs.getLong(2));
                }
            }
            return counts;
        });
    }

    private List<JobView> query(String sql, Object... params) {
        return Sql.withConnection(dataSource, "read jobs", c -> query(c, sql, params));
    }

    private static List<JobView> query(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            Sql.bind(ps, params);
            try (ResultSet rs = ps.executeQuery()) {
                List<JobView> jobs = new ArrayList<>();
                while (rs.next()) {
                    jobs.add(JobRows.view(rs));
                }
                return jobs;
            }
        }
    }
}
