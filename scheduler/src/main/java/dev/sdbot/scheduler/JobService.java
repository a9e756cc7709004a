package dev.sdbot.scheduler;

import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.ModelFamily;
import dev.sdbot.inference.api.ModelPreset;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.store.JobStore;
import dev.sdbot.scheduler.store.StoredInputs;
import dev.sdbot.scheduler.store.ResultStore;
import dev.sdbot.scheduler.store.Sql;
import dev.sdbot.scheduler.store.WorkerStore;

import javax.sql.DataSource;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;

/**
 * What the bot and the {@code sdbot jobs} commands do with jobs: submit (quota-checked), cancel,
 * look up, and the result poster's transitions. Safe to use from many threads and processes.
 */
public final class JobService {
    private final DataSource dataSource;
    private final JobStore jobs;
    private final ResultStore results;
    private final StoredInputs inputs;
    private final WorkerStore workers;
    private final QuotaService quotas;
    private final SchedulerSettings settings;
    private final Clock clock;

    /** @param images where the images of jobs live (the same store for every process of the cluster) */
    public JobService(DataSource dataSource, ImageStore images, SchedulerSettings settings, Clock clock) {
        this.dataSource = dataSource;
        this.jobs = new JobStore(dataSource);
        this.results = new ResultStore(dataSource, images);
        this.inputs = new StoredInputs(images);
        this.workers = new WorkerStore(dataSource);
        this.quotas = new QuotaService();
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * Queues one job after checking the request and the requester's quota.
     *
     * @throws IllegalArgumentException when the request is invalid (message says what is wrong)
     * @throws QuotaExceededException   when over quota; nothing is queued
     */
    public long submit(JobSubmission submission) throws QuotaExceededException {
        return submitCopies(submission, 1).get(0);
    }

    /** Queues {@code copies} identical jobs (different seeds unless one is given), all or none. */
    public List<Long> submitCopies(JobSubmission submission, int copies) throws QuotaExceededException {
        validate(submission.request());
        checkRunnable(submission.request());
        if (copies < 1 || copies > 10_000) {
            throw new IllegalArgumentException("number of jobs must be between 1 and 10000, got " + copies);
        }
        // input images go to the image store first, one copy per job (each job's retention removes its own)
        List<JobInputs> stored = new ArrayList<>(copies);
        try {
            for (int i = 0; i < copies; i++) {
                stored.add(inputs.put(submission.request()));
            }
            return insert(submission, copies, stored);
        } catch (QuotaExceededException | RuntimeException e) {
            stored.forEach(s -> inputs.deleteQuietly(s, e)); // nothing was queued
            throw e;
        }
    }

    private List<Long> insert(JobSubmission submission, int copies, List<JobInputs> stored) throws QuotaExceededException {
        GenerationRequest request = submission.request();
        long guild = submission.origin().guildId();
        long user = submission.origin().userId();
        if (copies == 1) {
            // The common case, a member no quota rule applies to: one statement that inserts only when no rule
            // of the guild could apply (no lock needed, there is nothing to count against). Otherwise the
            // locked, counted path below.
            long seed = request.seed() != null ? request.seed() : ThreadLocalRandom.current().nextLong(1L << 32);
            Long id = Sql.withConnection(dataSource, "submit job", c -> jobs.insertUnlessQuotaRule(c,
                    withVariationSeed(submission, 0), seed,
                    settings.maxAttempts(), stored.get(0)));
            if (id != null) {
                return List.of(id);
            }
        }
        try {
            return Sql.inTransaction(dataSource, "submit job", c -> {
                QuotaStatus status = quotas.status(c, guild, user, submission.roleIds());
                if (!status.unlimited()) {
                    // Serialises submits of one member so two concurrent ones cannot both squeeze under the limit;
                    // the usage is counted again under the lock.
                    try (PreparedStatement ps = c.prepareStatement("SELECT pg_advisory_xact_lock(?, ?)")) {
                        ps.setInt(1, Long.hashCode(guild));
                        ps.setInt(2, Long.hashCode(user));
                        ps.execute();
                    }
                    status = quotas.status(c, guild, user, submission.roleIds());
                }
                JobSubmission queued = submission;
                try {
                    quotas.check(status, copies, request.count() * copies, quotas.estimateMillis(c, status, request) * copies);
                } catch (QuotaExceededException e) {
                    if (!overDailyButRelaxed(c, e, guild, submission.roleIds())) {
                        throw new QuotaRejection(e);
                    }
                    queued = submission.relaxed();
                }
                List<Long> ids = new ArrayList<>(copies);
                for (int i = 0; i < copies; i++) {
                    // seeds need not be secret; copies of a request with a seed get consecutive seeds (A1111's
                    // batch count: a variation keeps the seed and counts the variation seed up instead)
                    long seed = request.seed() != null ? request.imageSeed(request.seed(), i * request.count())
                            : ThreadLocalRandom.current().nextLong(1L << 32);
                    ids.add(jobs.insert(c, withVariationSeed(queued, i), seed, settings.maxAttempts(), stored.get(i)));
                }
                return ids;
            });
        } catch (QuotaRejection e) {
            throw e.exception;
        }
    }

    /**
     * Copy {@code copy}'s submission with its variation seed fixed, as the seed is, so the job row records it: a
     * random one when the request names none (A1111's -1), else the named one counted up by the images before it.
     */
    private static JobSubmission withVariationSeed(JobSubmission submission, int copy) {
        GenerationRequest r = submission.request();
        if (!r.hasVariation()) {
            return submission;
        }
        long seed = r.variationSeed() != null ? r.variationSeed() + (long) copy * r.count()
                : ThreadLocalRandom.current().nextLong(1L << 32);
        return new JobSubmission(r.withVariation(seed, r.variationStrength()), submission.origin(),
                submission.roleIds(), submission.priority());
    }

    /** Carries the checked exception out of the transaction lambda (which rolls back). */
    private static final class QuotaRejection extends RuntimeException {
        final QuotaExceededException exception;

        QuotaRejection(QuotaExceededException exception) {
            super(exception.getMessage(), null, false, false);
            this.exception = exception;
        }
    }

    /**
     * The rules every request must meet before it is queued: its {@link GenerationRequest#problems()}, then its
     * images' headers; front ends call it before they acknowledge, so a bad request is refused privately.
     *
     * @throws IllegalArgumentException with the problems, each a sentence saying what is wrong
     */
    public static void validate(GenerationRequest r) {
        List<String> problems = r.problems();
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        InputImages.validate(r);
    }

    /** Cancels a job of any guild that is queued or running (operators; Discord uses {@link #cancelInGuild}). */
    public CancelOutcome cancel(long jobId, long requesterUserId, boolean isModerator) {
        return jobs.cancel(jobId, null, requesterUserId, isModerator, clock.instant());
    }

    /**
     * Cancels a job of the guild that is queued or running; only its requester or a moderator of the guild may.
     * A job of another guild is {@link CancelOutcome#NOT_FOUND}, exactly like one that does not exist.
     */
    public CancelOutcome cancelInGuild(long guildId, long jobId, long requesterUserId, boolean isModerator) {
        return jobs.cancel(jobId, guildId, requesterUserId, isModerator, clock.instant());
    }

    /** Any job by id (operators and the bot's own bookkeeping; Discord lookups use {@link #findInGuild}). */
    public Optional<JobView> find(long jobId) {
        return jobs.find(jobId);
    }

    /** The job if it belongs to the guild; a job of another guild is not found, like one that does not exist. */
    public Optional<JobView> findInGuild(long guildId, long jobId) {
        return jobs.findInGuild(jobId, guildId);
    }

    /** The job's result images, their bytes read from the image store. */
    public List<JobResult> results(long jobId) {
        return results.results(jobId);
    }

    /** The step preview of the job's running attempt, or null. */
    public byte[] preview(long jobId, int attempt) {
        return jobs.preview(jobId, attempt);
    }

    /**
     * The job's first ControlNet unit's control image (for the result post's thumbnail), read from the image store (or
     * the row of a job queued before V42); empty when the job has none or it is no longer stored.
     */
    public Optional<byte[]> firstControlImage(JobView job) {
        if (job.request().controls().isEmpty()) {
            return Optional.empty();
        }
        if (job.inputs().controlsInRow()) {
            return Optional.of(jobs.withControlImagesInRow(job.id(), job.request()).controls().get(0).image())
                    .filter(png -> png.length > 0);
        }
        return job.inputs().controlKeys().isEmpty() ? Optional.empty()
                : Optional.ofNullable(inputs.get(job.inputs().controlKeys().get(0)));
    }

    /**
     * The job's request with its input images (a {@link JobView}'s request has none): for a Reroll of an img2img or
     * ControlNet job.
     *
     * @throws IllegalStateException when an input image is no longer stored (retention)
     */
    public GenerationRequest requestWithImages(JobView job) {
        GenerationRequest request = job.request();
        if (job.inputs().initInRow() || job.inputs().maskInRow()) { // queued before the image store
            byte[][] inRow = jobs.inputImagesInRow(job.id());
            request = request.toBuilder().images(inRow[0], inRow[1]).build();
        }
        if (job.inputs().controlsInRow()) { // queued before control images went to the image store (V42)
            request = jobs.withControlImagesInRow(job.id(), request);
        }
        try {
            return inputs.load(request, job.inputs());
        } catch (dev.sdbot.inference.api.InvalidRequestException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    /** 1-based place in dispatch order, or 0 when the job is not waiting. */
    public int queuePosition(long jobId) {
        return jobs.queuePosition(jobId);
    }

    public long queueDepth() {
        return jobs.queueDepth();
    }

    /** A member's most recent jobs in all guilds, newest first (operators). */
    public List<JobView> jobsOf(long userId, int limit) {
        return jobs.jobsOf(userId, limit);
    }

    /** A member's most recent jobs in one guild, newest first. */
    public List<JobView> jobsOf(long guildId, long userId, int limit) {
        return jobs.jobsOf(guildId, userId, limit);
    }

    /** Waiting and running jobs of the guilds on the given shards, newest first (a restarted bot shows their progress). */
    public List<JobView> activeJobsOnShards(ShardRange shards, int limit) {
        return jobs.activeOnShards(shards, limit);
    }

    public List<JobView> recentJobs(int limit) {
        return jobs.recent(limit);
    }

    /**
     * Throws when the request is over the member's quota now; lets a front end refuse before it
     * acknowledges. {@link #submit} checks again, atomically, so this is advice, not a reservation.
     */
    public void checkQuota(long guildId, long userId, Collection<Long> roleIds, GenerationRequest request)
            throws QuotaExceededException {
        try {
            Sql.withConnection(dataSource, "check quota", c -> {
                QuotaStatus status = quotas.status(c, guildId, userId, roleIds);
                try {
                    quotas.check(status, 1, request.count(), quotas.estimateMillis(c, status, request));
                } catch (QuotaExceededException e) {
                    if (!overDailyButRelaxed(c, e, guildId, roleIds)) {
                        throw new QuotaRejection(e);
                    }
                }
                return null;
            });
        } catch (QuotaRejection e) {
            throw e.exception;
        }
    }

    /** A daily limit (not the jobs-at-once one) that relax mode lets this member go over. */
    private boolean overDailyButRelaxed(java.sql.Connection c, QuotaExceededException e, long guildId,
                                        Collection<Long> roleIds) throws java.sql.SQLException {
        return e.resetsAt().isPresent() && quotas.relaxCovers(c, guildId, roleIds);
    }

    /** Relaxed jobs of the guild waiting now (relax mode). */
    public long relaxedWaiting(long guildId) {
        return jobs.relaxedWaiting(guildId);
    }

    public QuotaStatus quotaStatus(long guildId, long userId, Collection<Long> roleIds) {
        return Sql.withConnection(dataSource, "quota status", c -> quotas.status(c, guildId, userId, roleIds));
    }

    /** Ids of the SUCCEEDED jobs of the guilds on the given shards waiting for the bot to post them, oldest first. */
    public List<Long> unpostedSucceeded(ShardRange shards, int limit) {
        return jobs.unpostedSucceeded(shards, limit);
    }

    /**
     * The guilds on {@code shards} other than {@code servedGuildIds} whose results finished more than {@code grace}
     * ago: the bot may have left them (the caller confirms with Discord before {@link #failResultsOf}).
     */
    public List<Long> guildsWithStaleResults(ShardRange shards, Collection<Long> servedGuildIds, java.time.Duration grace) {
        return jobs.guildsWithStaleResults(shards, servedGuildIds, grace);
    }

    /**
     * Ends the results nobody will post: SUCCEEDED jobs of the given guilds (the bot left them) that finished more
     * than {@code grace} ago become FAILED with {@code reason}. Returns the ids failed.
     */
    public List<Long> failResultsOf(Collection<Long> guildIds, java.time.Duration grace, String reason) {
        return jobs.failUnpostedOf(guildIds, grace, reason);
    }

    /** The given jobs that exist, in one read. */
    public List<JobView> findAll(Collection<Long> jobIds) {
        return jobIds.isEmpty() ? List.of() : jobs.findAll(jobIds);
    }

    /** Dispatch positions (1-based) of those of the given jobs that are queued, in one query. */
    public java.util.Map<Long, Integer> queuePositions(Collection<Long> jobIds) {
        return jobIds.isEmpty() ? java.util.Map.of() : jobs.queuePositions(jobIds);
    }

    /**
     * Records that a channel post of the job's result is about to be tried; returns the first and last time earlier
     * ones were tried (Discord may have accepted one before a crash), if any.
     */
    public Optional<PostTries> recordChannelPostTry(long jobId) {
        return jobs.recordChannelPostTry(jobId).map(t -> new PostTries(t[0], t[1]));
    }

    /** When channel posts of a result were tried before: the first and the last time. */
    public record PostTries(java.time.Instant first, java.time.Instant last) {
    }

    /** SUCCEEDED → POSTED; false if the job is not SUCCEEDED at that attempt (already posted, blocked...). */
    public boolean markPosted(long jobId, int attempt, long messageId) {
        return jobs.markPosted(jobId, attempt, messageId, clock.instant());
    }

    /** QUEUED or SUCCEEDED → BLOCKED (prompt filter or NSFW policy); false if it was in neither state. */
    public boolean markBlocked(long jobId, String reason) {
        return jobs.markBlocked(jobId, reason, clock.instant());
    }

    /**
     * SUCCEEDED → FAILED for a result that cannot be delivered (the bot may not post in the channel, the
     * channel is gone...), with the reason; false if the job is not SUCCEEDED at that attempt.
     */
    public boolean markUndeliverable(long jobId, int attempt, String reason) {
        Instant now = clock.instant();
        return Sql.update(dataSource, "mark job " + jobId + " undeliverable",
                "UPDATE jobs SET state = 'FAILED', error = ?, updated_at = ? WHERE id = ? AND state = 'SUCCEEDED' AND attempt = ?",
                reason, now, jobId, attempt) == 1;
    }

    /** Models that live workers can run, sorted (for validating and autocompleting model names). */
    public Set<String> availableModels() {
        return Sql.withConnection(dataSource, "available models", c -> workers.available(c, settings.workerTimeout())).stream()
                .flatMap(w -> w.models().stream())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** The family of each model of the live workers, as they announced it; models of unknown family are absent. */
    public Map<String, ModelFamily> modelFamilies() {
        return parseFamilies(workers.modelFamilies(settings.workerTimeout()));
    }

    /** The inpainting models (9-channel UNet) of the live workers, sorted; their families are in {@link #modelFamilies()}. */
    public Set<String> inpaintingModels() {
        return liveWorkerStrings("SELECT DISTINCT unnest(inpainting_models) FROM workers");
    }

    /** The side in pixels each model of the live workers was trained at, as they announced it. */
    public Map<String, Integer> nativeSides() {
        Map<String, Integer> sides = new TreeMap<>();
        workers.modelNativeSides(settings.workerTimeout()).forEach((model, side) -> sides.put(model, Integer.valueOf(side)));
        return sides;
    }

    /** The presets (NAME.yaml defaults) of the live workers' models that have one, as they published them. */
    public Map<String, ModelPreset> modelPresets() {
        Map<String, ModelPreset> presets = new TreeMap<>();
        workers.modelPresets(settings.workerTimeout()).forEach((model, line) -> presets.put(model, ModelPreset.decode(line)));
        return presets;
    }

    /** The family each LoRA of the live workers is for, as they announced it; LoRAs of unknown family are absent. */
    public Map<String, ModelFamily> loraFamilies() {
        return parseFamilies(workers.loraFamilies(settings.workerTimeout()));
    }

    /** The family each embedding of the live workers is for, as they announced it; embeddings of unknown family are absent. */
    public Map<String, ModelFamily> embeddingFamilies() {
        return parseFamilies(workers.embeddingFamilies(settings.workerTimeout()));
    }

    /** Textual-inversion embeddings that live workers offer (published at their start), sorted. */
    public Set<String> availableEmbeddings() {
        return liveWorkerStrings("SELECT DISTINCT unnest(embeddings) FROM workers");
    }

    private static Map<String, ModelFamily> parseFamilies(Map<String, String> ids) {
        Map<String, ModelFamily> families = new TreeMap<>();
        ids.forEach((model, id) -> {
            try {
                families.put(model, ModelFamily.fromId(id));
            } catch (IllegalArgumentException e) {
                // a newer worker's family this bot does not know: its sizes are not checked by family
            }
        });
        return families;
    }

    /**
     * Whether a live worker could run the request: its model's published defaults are valid, its
     * {@code <lora:...>} tags name LoRAs live workers publish, made
     * for the model's family (where both families are known), the upscaler it names (an upscale job's, a hires
     * fix's) is one live workers publish, the embeddings its prompts name made for the model's
     * family (where both are known; an unknown word is plain text, as in A1111), its ControlNet units published
     * and made for the model's family, and
     * a hires fix's output fits the largest live worker's pixel budget. Run by {@link #submitCopies} and by front
     * ends before they acknowledge.
     *
     * @throws IllegalArgumentException saying what to change
     */
    public void checkRunnable(GenerationRequest request) {
        ModelPreset preset = modelPresets().get(request.model());
        if (preset != null && preset.problem() != null) {
            throw new IllegalArgumentException("model " + request.model() + " is refused until an operator fixes its"
                    + " defaults: " + preset.problem());
        }
        RunnableCheck.check(request, availableLoras(), largestPixelBudget());
        RunnableCheck.checkUpscaler(request, upscalers());
        ModelFamily modelFamily = modelFamilies().get(request.model());
        RunnableCheck.checkLoraFamilies(request, loraFamilies(), modelFamily);
        RunnableCheck.checkEmbeddingFamilies(request, embeddingFamilies(), modelFamily);
        if (!request.controls().isEmpty()) {
            RunnableCheck.checkControlNets(request, availableControlNets(), controlNetFamilies(), modelFamily);
        }
    }

    /** ControlNets that live workers offer (published at their start), sorted: a ControlNet unit must name one. */
    public Set<String> availableControlNets() {
        return liveWorkerStrings("SELECT DISTINCT unnest(controlnets) FROM workers");
    }

    /** The family each ControlNet of the live workers is for, as they announced it; unknown ones are absent. */
    public Map<String, ModelFamily> controlNetFamilies() {
        return parseFamilies(workers.controlNetFamilies(settings.workerTimeout()));
    }

    /**
     * The ESRGAN-family upscalers live workers offer (published at their start), name → the factor the network
     * enlarges by, sorted by name: an upscale job or a hires fix's upscaler must name one.
     */
    public Map<String, Integer> upscalers() {
        return workers.upscalers(settings.workerTimeout());
    }

    /** LoRAs that live workers offer (published at their start), sorted: {@code <lora:NAME>} must name one. */
    public Set<String> availableLoras() {
        return liveWorkerStrings("SELECT DISTINCT unnest(loras) FROM workers");
    }

    /** The largest pixel budget of a live worker, 0 when none is live. */
    public long largestPixelBudget() {
        return Sql.withConnection(dataSource, "largest pixel budget", c -> workers.available(c, settings.workerTimeout())).stream()
                .mapToLong(WorkerStore.WorkerCapacity::pixelBudget).max().orElse(0);
    }

    private Set<String> liveWorkerStrings(String select) {
        return Sql.withConnection(dataSource, select, c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement(select
                    + " WHERE heartbeat_at > now() - ? * interval '1 millisecond' AND stopped_at IS NULL")) {
                Sql.bind(ps, settings.workerTimeout().toMillis());
                Set<String> values = new TreeSet<>();
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        values.add(rs.getString(1));
                    }
                }
                return values;
            }
        });
    }

    /**
     * Models that live workers run without any safety checker (neither their own nor a shared one): their
     * images are UNCHECKED. Shown by /help and /admin settings.
     */
    public Set<String> uncheckedModels() {
        return Sql.withConnection(dataSource, "unchecked models", c -> {
            try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT DISTINCT unnest(unchecked_models) FROM workers"
                    + " WHERE heartbeat_at > now() - ? * interval '1 millisecond' AND stopped_at IS NULL")) {
                Sql.bind(ps, settings.workerTimeout().toMillis());
                Set<String> models = new TreeSet<>();
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        models.add(rs.getString(1));
                    }
                }
                return models;
            }
        });
    }

    /** Lifts a worker's quarantine (operator action); false if it was not quarantined. */
    public boolean releaseWorker(String workerId) {
        return workers.release(workerId);
    }

    public JobStats stats() {
        return new JobStats(jobs.countsByState(), jobs.queueDepth(),
                workers.stats(settings.workerTimeout()));
    }
}
