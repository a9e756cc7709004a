package dev.sdbot.bot.features.results;

import dev.sdbot.bot.discord.AttachmentLimits;
import dev.sdbot.bot.discord.DiscordConnection;
import dev.sdbot.bot.features.nsfw.ResultScreening;
import dev.sdbot.bot.features.nsfw.ShownImage;
import dev.sdbot.scheduler.JobEvent;
import dev.sdbot.scheduler.JobEventListener;
import dev.sdbot.scheduler.JobLogContext;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobView;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.exceptions.PermissionException;
import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.requests.ErrorResponse;
import net.dv8tion.jda.api.utils.messages.MessageCreateData;
import net.dv8tion.jda.api.utils.messages.MessageEditBuilder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Posts SUCCEEDED jobs of the guilds on this process's shards, exactly once in effect: while the
 * interaction token is valid the deferred reply is edited into the result (repeating an edit shows
 * no second message); after that the result is a channel message with a deterministic nonce and
 * enforce_nonce (a repeat within Discord's few minutes returns the first message), unless the
 * channel's history since an earlier try already holds the bot's post of the job ({@link EarlierPost}). The message id is recorded by the guarded
 * SUCCEEDED → POSTED update. Woken by job events, with a periodic sweep for anything missed
 * (restarts, lost notifications, failed posts). A result that cannot be delivered (Missing Permissions,
 * channel gone, or {@link #MAX_POST_ATTEMPTS} failures) ends FAILED with the reason instead of being
 * retried forever. Each failed post that will be tried again counts in {@code sdbot_posting_retries_total}.
 */
public final class ResultPoster implements JobEventListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultPoster.class);
    private static final Set<ErrorResponse> TOKEN_GONE = Set.of(ErrorResponse.UNKNOWN_WEBHOOK,
            ErrorResponse.INVALID_WEBHOOK_TOKEN, ErrorResponse.UNKNOWN_INTERACTION, ErrorResponse.UNKNOWN_MESSAGE);
    /** Channel post errors that no retry will fix. */
    private static final Set<ErrorResponse> UNDELIVERABLE = Set.of(ErrorResponse.MISSING_PERMISSIONS,
            ErrorResponse.MISSING_ACCESS, ErrorResponse.UNKNOWN_CHANNEL);
    /** Failed posts of one job (other than {@link #UNDELIVERABLE}) before it is given up as FAILED. */
    static final int MAX_POST_ATTEMPTS = 10;
    /**
     * Results of a guild on this process's shards that the bot is no longer in end FAILED after this long: long
     * enough for a guild that is only unavailable (a Discord outage) to come back.
     */
    static final Duration LEFT_GUILD_GRACE = Duration.ofHours(1);
    static final String LEFT_GUILD = "the bot is no longer in the guild";

    private final JobService jobs;
    private final DiscordConnection discord;
    private final ResultScreening screening;
    private final ProgressReporter progress;
    private final AttachmentLimits limits;
    private final ResultMessages messages;
    private final Clock clock;
    private final Duration sweepInterval;
    private final Set<Long> inFlight = ConcurrentHashMap.newKeySet();
    private final Map<Long, Integer> failures = new ConcurrentHashMap<>();
    private final ExecutorService posting = Executors.newFixedThreadPool(4, daemon("result-poster"));
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(daemon("result-sweeper"));
    private final Counter retries;

    public ResultPoster(JobService jobs, DiscordConnection discord, ResultScreening screening,
                        ProgressReporter progress, AttachmentLimits limits, Clock clock, Duration sweepInterval,
                        MeterRegistry meters) {
        this.jobs = jobs;
        this.messages = new ResultMessages(jobs::firstControlImage);
        this.discord = discord;
        this.screening = screening;
        this.progress = progress;
        this.limits = limits;
        this.clock = clock;
        this.sweepInterval = sweepInterval;
        this.retries = Counter.builder("sdbot.posting.retries")
                .description("Result posts that failed and will be tried again").register(meters);
    }

    public ResultPoster start() {
        sweeper.scheduleWithFixedDelay(this::sweep, 0, sweepInterval.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    @Override
    public void onStateChange(JobEvent event) {
        if (event.state() == JobState.SUCCEEDED) {
            schedule(event.jobId());
        }
    }

    @Override
    public void onConnected() {
        sweeper.execute(this::sweep);
    }

    private void sweep() {
        try {
            failResultsOfDepartedGuilds();
            for (long jobId : jobs.unpostedSucceeded(discord.shardRange(), 200)) {
                schedule(jobId);
            }
        } catch (RuntimeException e) {
            LOG.warn("result sweep failed: {}", e.toString());
        }
    }

    /**
     * Results of guilds on this process's shards that are not in its cache, older than {@link #LEFT_GUILD_GRACE},
     * end FAILED, but only once the cache is complete (after an outage the guilds arrive one by one) and Discord
     * itself says the bot is not in the guild: a guild of another process's shards, or one still loading, is never
     * failed.
     */
    private void failResultsOfDepartedGuilds() {
        if (!discord.guildCacheComplete()) {
            return;
        }
        List<Long> candidates = jobs.guildsWithStaleResults(discord.shardRange(), discord.guildIds(), LEFT_GUILD_GRACE);
        List<Long> departed = candidates.stream().filter(guildId -> !discord.isMemberOf(guildId)).toList();
        if (departed.isEmpty()) {
            return;
        }
        List<Long> ended = jobs.failResultsOf(departed, LEFT_GUILD_GRACE, LEFT_GUILD);
        if (!ended.isEmpty()) {
            LOG.warn("{} result(s) cannot be delivered, now FAILED: {} (guilds {}, jobs {}...)", ended.size(), LEFT_GUILD,
                    departed, ended.get(0));
        }
    }

    private void schedule(long jobId) {
        if (inFlight.add(jobId)) {
            try {
                posting.execute(() -> postIfSucceeded(jobId));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                inFlight.remove(jobId); // stopping: the next process's sweep posts it
            }
        }
    }

    private void postIfSucceeded(long jobId) {
        try {
            Optional<JobView> job = jobs.find(jobId).filter(j -> j.state() == JobState.SUCCEEDED);
            if (job.isPresent()) {
                try (var context = JobLogContext.open(job.get())) {
                    tryToPost(job.get());
                }
            } else {
                failures.remove(jobId);
            }
        } catch (RuntimeException e) {
            retries.increment();
            try (var context = MDC.putCloseable(JobLogContext.JOB, Long.toString(jobId))) { // the job could not be read
                LOG.warn("could not post job {} (will retry): {}", jobId, e.toString());
            }
        } finally {
            inFlight.remove(jobId);
        }
    }

    private void tryToPost(JobView job) {
        try {
            post(job);
            failures.remove(job.id());
        } catch (RuntimeException e) {
            postFailed(job, e);
        }
    }

    /**
     * A post that failed: retried by the next sweep, except when the bot may not post there (JDA's own
     * permission check, or Discord's 403 50013 / 50001 / unknown channel: no use retrying every sweep)
     * or after {@link #MAX_POST_ATTEMPTS} failures; then the job is FAILED with the reason.
     */
    private void postFailed(JobView job, RuntimeException e) {
        if (e instanceof ErrorResponseException error && UNDELIVERABLE.contains(error.getErrorResponse())) {
            giveUp(job, "cannot post in channel " + job.origin().channelId() + ": " + error.getErrorResponse().getMeaning()
                    + " (" + error.getErrorCode() + ")");
            return;
        }
        if (e instanceof PermissionException missing) {
            giveUp(job, "cannot post in channel " + job.origin().channelId() + ": Missing Permissions ("
                    + missing.getPermission() + ")");
            return;
        }
        int failed = failures.merge(job.id(), 1, Integer::sum);
        if (failed >= MAX_POST_ATTEMPTS) {
            giveUp(job, "could not post after " + failed + " attempts: " + e);
        } else {
            retries.increment();
            LOG.warn("could not post job {} (attempt {} of {}, will retry): {}", job.id(), failed, MAX_POST_ATTEMPTS, e.toString());
        }
    }

    private void giveUp(JobView job, String reason) {
        failures.remove(job.id());
        if (jobs.markUndeliverable(job.id(), job.attempt(), reason)) {
            LOG.warn("job {} of user {} is FAILED, its result cannot be delivered: {}", job.id(), job.origin().userId(), reason);
        }
    }

    private void post(JobView job) {
        Optional<Guild> guild = discord.guild(job.origin().guildId());
        if (guild.isEmpty()) {
            return; // another process (or shard set) serves this guild
        }
        GuildMessageChannel channel = guild.get().getChannelById(GuildMessageChannel.class, job.origin().channelId());
        List<JobResult> images = jobs.results(job.id()).stream().filter(r -> r.attempt() == job.attempt()).toList();
        ResultScreening.Screened screened = screening.screen(job, images, channel);
        progress.finish(job.id());
        List<ShownImage> shown = screened.shown();
        if (shown.isEmpty()) {
            block(job, guild.get(), channel, screened);
            return;
        }
        if (channel == null && !job.origin().tokenValidAt(clock.instant())) {
            giveUp(job, "channel " + job.origin().channelId() + " is gone");
            return;
        }
        long limit = limits.forGuild(job.origin().guildId());
        long messageId;
        try {
            messageId = send(job, guild.get(), channel, messages.result(job, shown, screened.withheld(), limit));
        } catch (ErrorResponseException e) {
            if (e.getErrorResponse() != ErrorResponse.REQUEST_ENTITY_TOO_LARGE) {
                throw e;
            }
            messageId = send(job, guild.get(), channel, messages.result(job, shown, screened.withheld(), limit / 4));
        }
        if (jobs.markPosted(job.id(), job.attempt(), messageId)) {
            LOG.info("job {} posted as message {}", job.id(), messageId);
            screening.recordOutcome(screened);
        } else {
            LOG.info("job {} was posted as message {} but is no longer SUCCEEDED at attempt {}", job.id(), messageId, job.attempt());
        }
    }

    private long send(JobView job, Guild guild, GuildMessageChannel channel, MessageCreateData message) {
        if (job.origin().tokenValidAt(clock.instant())) {
            try {
                return InteractionHook.from(guild.getJDA(), job.origin().interactionToken())
                        .editOriginal(new MessageEditBuilder().applyCreateData(message).setReplace(true).build())
                        .complete().getIdLong();
            } catch (ErrorResponseException e) {
                if (!TOKEN_GONE.contains(e.getErrorResponse())) {
                    throw e;
                }
                LOG.info("interaction token of job {} no longer works ({}); posting to the channel", job.id(), e.getMeaning());
            }
        }
        if (channel == null) {
            throw new IllegalStateException("channel " + job.origin().channelId() + " of job " + job.id() + " is gone");
        }
        Optional<Long> earlier = jobs.recordChannelPostTry(job.id()).flatMap(tries -> EarlierPost.find(channel, job.id(), tries));
        if (earlier.isPresent()) {
            LOG.info("job {} was already posted as message {}; recording that one", job.id(), earlier.get());
            return earlier.get();
        }
        return channel.sendMessage(message).setNonce(nonce(job)).complete().getIdLong();
    }

    /** Same job and attempt, same nonce: Discord returns the first message for a repeat. */
    static String nonce(JobView job) {
        return "sdbot-" + Long.toString(job.id(), 36) + "-" + job.attempt();
    }

    /**
     * A result none of whose images may be shown here is not posted; the requester is told which job and why,
     * without the image: ephemerally through the interaction while its token works (the progress message
     * first loses its last preview, then goes), otherwise (token expired, or it failed) with a short channel
     * notice that mentions only them.
     */
    private void block(JobView job, Guild guild, GuildMessageChannel channel, ResultScreening.Screened screened) {
        if (!jobs.markBlocked(job.id(), "NSFW: " + screened.blockedReason())) {
            return;
        }
        screening.recordOutcome(screened);
        if (job.origin().tokenValidAt(clock.instant())) {
            InteractionHook hook = InteractionHook.from(guild.getJDA(), job.origin().interactionToken());
            String text = "🔞 The result of job " + job.id() + " was not posted in this channel: " + screened.blockedReason() + ".";
            hook.editOriginal(new MessageEditBuilder().setContent("🔞 Not posted · job " + job.id())
                            .setAttachments(List.of()).setEmbeds(List.of()).setComponents(List.of()).build())
                    .queue(JobLogContext.carry(cleared -> hook.sendMessage(text).setEphemeral(true).queue(
                                    sent -> hook.deleteOriginal().queue(), JobLogContext.carry(failure -> blockedNotice(job, channel)))),
                            JobLogContext.carry(failure -> blockedNotice(job, channel)));
        } else {
            blockedNotice(job, channel);
        }
    }

    private void blockedNotice(JobView job, GuildMessageChannel channel) {
        if (channel == null) {
            LOG.info("could not tell user {} about blocked job {}: channel {} is gone", job.origin().userId(), job.id(),
                    job.origin().channelId());
            return;
        }
        channel.sendMessage(blockedNoticeText(job))
                .setAllowedMentions(List.of())
                .mentionUsers(job.origin().userId())
                .setNonce(nonce(job) + "-b")
                .queue(JobLogContext.carry(sent -> LOG.info("told user {} in channel {} that job {} was blocked",
                                job.origin().userId(), channel.getIdLong(), job.id())),
                        JobLogContext.carry(failure -> LOG.info("could not tell user {} about blocked job {}: {}",
                                job.origin().userId(), job.id(), failure.toString())));
    }

    static String blockedNoticeText(JobView job) {
        return "<@" + job.origin().userId() + "> 🔞 The result of your job " + job.id()
                + " was blocked by the NSFW policy, so it was not posted.";
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /**
     * Stopping: one last sweep posts every result of the served guilds that has SUCCEEDED, waiting up to
     * {@code timeout} for the posts to go out; what does not make it stays SUCCEEDED for the next process.
     */
    public void flushAndClose(Duration timeout) {
        sweeper.shutdownNow();
        try {
            sweeper.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS);
            sweep();
            posting.shutdown();
            if (!posting.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.warn("stopping with {} result(s) still being posted; they are posted after the restart", inFlight.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        posting.shutdownNow();
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
        posting.shutdownNow();
    }
}
