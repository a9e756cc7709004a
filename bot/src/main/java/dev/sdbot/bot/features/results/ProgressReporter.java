package dev.sdbot.bot.features.results;

import dev.sdbot.bot.discord.Texts;
import dev.sdbot.bot.features.nsfw.PreviewGuard;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobView;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.utils.FileUpload;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;
import dev.sdbot.scheduler.JobLogContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Keeps the deferred reply of each waiting job current: "Queued — position N", then progress with ETA
 * and the engine's low-res preview as {@link PreviewGuard} allows it, edited in place at most once per interval and only when it changed.
 * Each interval edits at most {@link #MAX_EDITS_PER_TICK} messages, least recently refreshed first, so
 * that a long queue whose positions all shift cannot crowd Discord's global rate limit (and with it the
 * acknowledgements of new interactions).
 * Discord allows edits for 15 minutes only: shortly before the token runs out, the last edit says that
 * the result will be posted in the channel (as the result poster then does).
 * The result poster takes a job over with {@link #finish(long)}, which waits for an edit in flight so
 * that a progress edit can never land on top of the result.
 */
public final class ProgressReporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);
    static final int MAX_EDITS_PER_TICK = 10;
    /** How long before the interaction token runs out the message says it stops updating. */
    static final Duration HANDOVER_BEFORE_EXPIRY = Duration.ofSeconds(90);
    static final String HANDOVER_NOTE = "\n-# This message can't be updated after 15 minutes; "
            + "the result will be posted in this channel when it's ready.";
    private static final int MAX_LOOKUPS_PER_TICK = 4 * MAX_EDITS_PER_TICK;

    private static final class Tracked {
        final InteractionHook hook;
        String shown = "";
        long refreshedNanos = System.nanoTime();
        CompletableFuture<?> lastEdit = CompletableFuture.completedFuture(null);
        boolean finished;

        Tracked(InteractionHook hook) {
            this.hook = hook;
        }
    }

    private final JobService jobs;
    private final PreviewGuard previews;
    private final Clock clock;
    private final Duration interval;
    private final Map<Long, Tracked> tracked = new ConcurrentHashMap<>();
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "progress-reporter");
        t.setDaemon(true);
        return t;
    });

    public ProgressReporter(JobService jobs, PreviewGuard previews, Clock clock, Duration interval) {
        this.jobs = jobs;
        this.previews = previews;
        this.clock = clock;
        this.interval = interval;
    }

    public ProgressReporter start() {
        ticker.scheduleWithFixedDelay(this::refreshAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Starts showing the job's progress in the interaction's deferred reply, at once. */
    public void track(long jobId, InteractionHook hook) {
        Tracked t = new Tracked(hook);
        tracked.put(jobId, t);
        jobs.find(jobId).ifPresent(job -> refresh(job, t, job.state() == JobState.QUEUED ? jobs.queuePosition(jobId) : 0));
    }

    /** Stops reporting on the job and returns once its last progress edit is done. */
    public void finish(long jobId) {
        Tracked t = tracked.remove(jobId);
        if (t == null) {
            return;
        }
        CompletableFuture<?> last;
        synchronized (t) {
            t.finished = true;
            last = t.lastEdit;
        }
        try {
            last.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.debug("last progress edit of job {} failed: {}", jobId, e.toString());
        }
    }

    /** One tick: the jobs and the queue positions of every message looked at come from two queries, not two per job. */
    private void refreshAll() {
        List<Long> oldestFirst = tracked.entrySet().stream()
                .sorted(Comparator.comparingLong(e -> e.getValue().refreshedNanos))
                .limit(MAX_LOOKUPS_PER_TICK)
                .map(Map.Entry::getKey)
                .toList();
        if (oldestFirst.isEmpty()) {
            return;
        }
        Map<Long, JobView> found;
        Map<Long, Integer> positions;
        try {
            found = jobs.findAll(oldestFirst).stream().collect(Collectors.toMap(JobView::id, job -> job));
            positions = jobs.queuePositions(found.values().stream()
                    .filter(job -> job.state() == JobState.QUEUED).map(JobView::id).toList());
        } catch (RuntimeException e) {
            LOG.warn("could not refresh progress of {} job(s): {}", oldestFirst.size(), e.toString());
            return;
        }
        int edits = 0;
        for (Long jobId : oldestFirst) {
            if (edits >= MAX_EDITS_PER_TICK) {
                break;
            }
            Tracked t = tracked.get(jobId);
            JobView job = found.get(jobId);
            if (job == null) {
                tracked.remove(jobId);
            } else if (t != null) {
                try {
                    if (refresh(job, t, positions.getOrDefault(jobId, 0))) {
                        edits++;
                    }
                } catch (RuntimeException e) {
                    try (var context = MDC.putCloseable(JobLogContext.JOB, jobId.toString())) {
                        LOG.warn("could not refresh progress of job {}: {}", jobId, e.toString());
                    }
                }
            }
        }
    }

    /** Edits the message if what it shows changed; true when an edit was sent. */
    private boolean refresh(JobView job, Tracked t, int queuePosition) {
        try (var context = JobLogContext.open(job)) {
            return refreshInContext(job, t, queuePosition);
        }
    }

    private boolean refreshInContext(JobView job, Tracked t, int queuePosition) {
        t.refreshedNanos = System.nanoTime();
        if (job.state() == JobState.SUCCEEDED || job.state() == JobState.POSTED || job.state() == JobState.BLOCKED) {
            return false; // the result poster owns the message from here on
        }
        if (job.state().isFinal()) {
            tracked.remove(job.id());
        }
        String text = text(job, queuePosition);
        boolean lastEdit = !job.state().isFinal() && tokenRunsOut(job);
        if (lastEdit) {
            text += HANDOVER_NOTE; // the last edit this message gets
            tracked.remove(job.id());
        }
        synchronized (t) {
            if (t.finished || text.equals(t.shown) || t.hook.isExpired()) {
                return false;
            }
            FileUpload preview = job.state() == JobState.RUNNING && !lastEdit
                    ? previews.preview(job, jobs.preview(job.id(), job.attempt()), t.hook.getJDA()) : null;
            t.shown = text;
            MessageEditBuilder edit = new MessageEditBuilder().setContent(text);
            if (preview != null) {
                edit.setFiles(preview);
            } else if (lastEdit || job.state().isFinal()) {
                // no preview may outlive the last chance to remove it (the result might still be blocked)
                edit.setAttachments(List.of());
            }
            try {
                t.lastEdit = t.hook.editOriginal(edit.build()).submit();
            } catch (RejectedExecutionException e) {
                LOG.debug("not showing progress of job {}: Discord connection is shutting down", job.id());
            }
            return true;
        }
    }

    /** Whether the interaction token (the only way to edit this message) runs out before the next edits. */
    private boolean tokenRunsOut(JobView job) {
        Instant expires = job.origin().tokenExpiresAt();
        return expires != null && Duration.between(clock.instant(), expires).compareTo(HANDOVER_BEFORE_EXPIRY) < 0;
    }

    private String text(JobView job, int queuePosition) {
        return switch (job.state()) {
            case QUEUED -> (job.relaxed() ? "⏳ Queued in relax mode (over your daily quota: runs when nothing else waits) — position "
                    : "⏳ Queued — position ") + Math.max(1, queuePosition) + " · job " + job.id();
            case ASSIGNED -> "⚙️ Starting… · job " + job.id();
            case RUNNING -> running(job);
            case CANCELLED -> "🚫 Cancelled · job " + job.id();
            case FAILED -> "❌ Failed: " + Texts.truncate(job.error() == null ? "unknown error" : job.error(), 300)
                    + " · job " + job.id();
            default -> "";
        };
    }

    private String running(JobView job) {
        if (job.progressTotal() == 0 || job.progressStep() == 0) {
            return "🎨 Generating… · job " + job.id();
        }
        double fraction = (double) job.progressStep() / job.progressTotal();
        String eta = "";
        if (job.startedAt() != null) {
            Duration elapsed = Duration.between(job.startedAt(), clock.instant());
            long etaSeconds = Math.max(0, Math.round(elapsed.toMillis() * (1 - fraction) / fraction / 1000.0));
            eta = " · ETA " + etaSeconds + " s";
        }
        return "🎨 Generating — " + Math.round(fraction * 100) + "%" + eta + " · job " + job.id();
    }

    @Override
    public void close() {
        ticker.shutdownNow();
    }
}
