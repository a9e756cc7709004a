package dev.sdbot.bot;

import dev.sdbot.bot.discord.GuildLanes;
import dev.sdbot.bot.discord.ButtonHandler;
import dev.sdbot.bot.discord.AttachmentLimits;
import dev.sdbot.bot.discord.DiscordConnection;
import dev.sdbot.bot.discord.DiscordSettings;
import dev.sdbot.bot.discord.InteractionAckMeter;
import dev.sdbot.bot.discord.InteractionRouter;
import dev.sdbot.bot.discord.ShutdownGate;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.bot.discord.StaffCommand;
import dev.sdbot.bot.discord.StaffRole;
import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.config.VariationsConfig;
import dev.sdbot.bot.features.admin.AdminSubcommands;
import dev.sdbot.bot.features.help.HelpCommand;
import dev.sdbot.bot.features.imagine.DeleteButton;
import dev.sdbot.bot.features.imagine.GuildLimits;
import dev.sdbot.bot.features.imagine.ImageAttachments;
import dev.sdbot.bot.features.imagine.AllowedModelsCheck;
import dev.sdbot.bot.features.imagine.ImagineChannelCheck;
import dev.sdbot.bot.features.imagine.ImagineCommand;
import dev.sdbot.bot.features.imagine.ImagineDefaults;
import dev.sdbot.bot.features.imagine.JobSubmitter;
import dev.sdbot.bot.features.imagine.MemberBlockCheck;
import dev.sdbot.bot.features.imagine.NegativePrefixCheck;
import dev.sdbot.bot.features.imagine.PromptFilterCheck;
import dev.sdbot.bot.features.imagine.RerollButton;
import dev.sdbot.bot.features.imagine.RunnableRequestCheck;
import dev.sdbot.bot.features.imagine.SubmitChecks;
import dev.sdbot.bot.features.imagine.UpscaleButton;
import dev.sdbot.bot.features.imagine.UpscaleImageCommand;
import dev.sdbot.bot.features.imagine.Upscalers;
import dev.sdbot.bot.features.imagine.VariationsButton;
import dev.sdbot.bot.features.imagine.OutpaintButton;
import dev.sdbot.bot.features.imagine.InpaintModels;
import dev.sdbot.bot.features.moderation.AuditTrail;
import dev.sdbot.bot.features.moderation.BlockSubcommand;
import dev.sdbot.bot.features.moderation.FilterAddCommand;
import dev.sdbot.bot.features.moderation.FilterAudit;
import dev.sdbot.bot.features.moderation.FilterDefaultsCommand;
import dev.sdbot.bot.features.moderation.FilterListCommand;
import dev.sdbot.bot.features.moderation.FilterRemoveCommand;
import dev.sdbot.bot.features.moderation.FilterTestCommand;
import dev.sdbot.bot.features.moderation.ModLog;
import dev.sdbot.bot.features.moderation.ModLogBlockButton;
import dev.sdbot.bot.features.moderation.ModLogChannelSubcommand;
import dev.sdbot.bot.features.moderation.ModLogDeleteButton;
import dev.sdbot.bot.features.moderation.RecentLogSubcommand;
import dev.sdbot.bot.features.moderation.UnblockSubcommand;
import dev.sdbot.bot.features.moderation.filter.DefaultWordList;
import dev.sdbot.bot.features.moderation.FilterRuleEditor;
import dev.sdbot.bot.features.moderation.filter.GuildFilters;
import dev.sdbot.bot.features.nsfw.NsfwPolicy;
import dev.sdbot.bot.features.nsfw.NsfwRules;
import dev.sdbot.bot.features.nsfw.NsfwSetSubcommand;
import dev.sdbot.bot.features.nsfw.NsfwShowSubcommand;
import dev.sdbot.bot.features.nsfw.PreviewGuard;
import dev.sdbot.bot.features.nsfw.ResultScreening;
import dev.sdbot.bot.features.queue.CancelCommand;
import dev.sdbot.bot.features.queue.QueueCommand;
import dev.sdbot.bot.features.queue.QuotaCommand;
import dev.sdbot.bot.features.results.ProgressReporter;
import dev.sdbot.bot.features.results.ResultPoster;
import dev.sdbot.bot.runtime.DiscordStatus;
import dev.sdbot.bot.discord.GuildPublisher;
import dev.sdbot.db.store.BotGuildStore;
import dev.sdbot.db.store.ChannelNsfwPolicyStore;
import dev.sdbot.db.store.FilterRuleStore;
import dev.sdbot.db.store.GenerationDefaultsStore;
import dev.sdbot.db.store.GuildSettingsStore;
import dev.sdbot.db.store.MemberBlockStore;
import dev.sdbot.db.store.ModerationEventStore;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.db.store.RelaxRuleStore;
import dev.sdbot.scheduler.JobEvents;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;
import dev.sdbot.scheduler.usage.UsageReports;
import io.micrometer.core.instrument.MeterRegistry;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.interactions.InteractionHook;
import org.hibernate.SessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Discord side of sdbot: connects (one JDA or a shard manager), registers the commands, routes
 * interactions to the features, keeps progress messages current and posts results.
 */
public final class DiscordBot implements AutoCloseable, DiscordStatus {
    private static final Logger LOG = LoggerFactory.getLogger(DiscordBot.class);
    private static final int RESUMED_JOBS = 1000;
    /** Stopping: how long interactions under way may take, then how long the last results may take to post. */
    private static final Duration FINISH_INTERACTIONS = Duration.ofSeconds(2);
    private static final Duration FLUSH_POSTS = Duration.ofSeconds(3);

    /**
     * @param defaults         /imagine defaults where the guild and channel set none
     * @param progressInterval how often progress messages may be edited
     * @param sweepInterval    how often the result poster looks for unposted results it was not told about
     * @param defaultUpscaler  the upscaler of the Upscale button and /upscale ({@code models.defaultUpscaler}), or null
     *                         for the first one the workers publish
     * @param variationStrength the Variations button's A1111 variation strength ({@code variations.strength})
     */
    public record Options(ImagineDefaults defaults, Duration progressInterval, Duration sweepInterval,
                          String defaultUpscaler, double variationStrength) {
        public Options(ImagineDefaults defaults, Duration progressInterval, Duration sweepInterval) {
            this(defaults, progressInterval, sweepInterval, null, VariationsConfig.DEFAULT_STRENGTH);
        }

        public static Options standard(String defaultModel, String defaultUpscaler, double variationStrength) {
            return new Options(ImagineDefaults.standard(defaultModel), Duration.ofSeconds(2), Duration.ofSeconds(10),
                    defaultUpscaler, variationStrength);
        }
    }

    private final DiscordConnection connection;
    private final JobEvents events;
    private final ResultPoster poster;
    private final ProgressReporter progress;
    private final ExecutorService work;
    private final ShutdownGate gate;
    private final GuildPublisher guildPublisher;

    private DiscordBot(DiscordConnection connection, JobEvents events, ResultPoster poster, ProgressReporter progress,
                       ExecutorService work, ShutdownGate gate, GuildPublisher guildPublisher) {
        this.gate = gate;
        this.guildPublisher = guildPublisher;
        this.connection = connection;
        this.events = events;
        this.poster = poster;
        this.progress = progress;
        this.work = work;
    }

    /**
     * Connects to Discord and starts serving; returns once every guild is available.
     *
     * @param meters gets the bot's meters (acknowledgement latency, images by verdict and policy action, posting retries)
     */
    public static DiscordBot start(DiscordSettings settings, JobService jobs, JobEvents events, DataSource dataSource,
                                   SessionFactory sessions, Clock clock, Options options, MeterRegistry meters)
            throws InterruptedException {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService work = Executors.newFixedThreadPool(8, r -> {
            Thread t = new Thread(r, "discord-work-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        GuildSettingsStore guildSettings = new GuildSettingsStore(sessions);
        ChannelNsfwPolicyStore channelNsfwPolicies = new ChannelNsfwPolicyStore(dataSource);
        NsfwRules nsfwRules = new NsfwRules(guildSettings, channelNsfwPolicies, clock);
        ProgressReporter progress = new ProgressReporter(jobs, new PreviewGuard(guildSettings, nsfwRules, clock), clock,
                options.progressInterval()).start();
        JobSubmitter submitter = new JobSubmitter(jobs, progress, clock);
        GuildLimits limits = new GuildLimits(new GenerationDefaultsStore(dataSource), guildSettings, options.defaults(), clock);
        ModLog modLog = new ModLog(guildSettings, clock);
        ModerationEventStore moderationEvents = new ModerationEventStore(sessions);
        AuditTrail audit = new AuditTrail(moderationEvents, modLog, clock);
        FilterRuleStore filterRules = new FilterRuleStore(sessions);
        GuildFilters filters = new GuildFilters(filterRules, guildSettings, DefaultWordList.load(), clock);
        FilterAudit filterAudit = new FilterAudit(audit);
        FilterRuleEditor filterEditor = new FilterRuleEditor(filterRules, guildSettings, filterAudit, clock);
        MemberBlockStore memberBlocks = new MemberBlockStore(dataSource);
        // a blocked member's prompt is neither filtered nor logged: the block answers first
        SubmitChecks submitChecks = new SubmitChecks(List.of(new MemberBlockCheck(memberBlocks),
                new ImagineChannelCheck(guildSettings, clock), new AllowedModelsCheck(guildSettings, clock),
                new PromptFilterCheck(filters, filterAudit),
                new NegativePrefixCheck(guildSettings, clock), new RunnableRequestCheck(jobs)));
        StaffAccess staffAccess = new StaffAccess(guildSettings, clock);
        List<StaffSubcommand> modSubcommands = List.of(
                new FilterAddCommand(filterEditor), new FilterRemoveCommand(filterEditor),
                new FilterListCommand(filterEditor, filters), new FilterTestCommand(filters),
                new FilterDefaultsCommand(filterEditor, filters),
                new NsfwSetSubcommand(guildSettings, channelNsfwPolicies, audit, clock),
                new NsfwShowSubcommand(guildSettings, channelNsfwPolicies, clock),
                new ModLogChannelSubcommand(guildSettings, audit, clock),
                new RecentLogSubcommand(moderationEvents),
                new BlockSubcommand(memberBlocks, staffAccess, audit), new UnblockSubcommand(memberBlocks, audit));
        AttachmentLimits uploadLimits = new AttachmentLimits();
        List<StaffSubcommand> adminSubcommands = AdminSubcommands.all(jobs, new UsageReports(dataSource),
                new QuotaRuleStore(sessions), guildSettings, limits, uploadLimits, audit, new RelaxRuleStore(dataSource), clock);
        InteractionAckMeter acks = new InteractionAckMeter(meters);
        Upscalers upscalers = new Upscalers(jobs, options.defaultUpscaler());
        GuildLanes submits = new GuildLanes(work); // one guild's submits cannot delay another's
        InteractionRouter router = new InteractionRouter(
                List.of(new ImagineCommand(jobs, limits, submitChecks, submitter, submits),
                        new UpscaleImageCommand(upscalers, submitChecks, submitter, submits),
                        new CancelCommand(jobs, staffAccess, work), new QueueCommand(jobs, work), new QuotaCommand(jobs, work),
                        new HelpCommand(jobs::uncheckedModels),
                        new StaffCommand("mod", "Moderation: prompt filters, NSFW policy, blocks, mod log",
                                StaffRole.MODERATOR, modSubcommands, staffAccess, work),
                        new StaffCommand("admin", "Administration: usage, quotas, settings",
                                StaffRole.ADMIN, adminSubcommands, staffAccess, work)),
                Stream.<ButtonHandler>concat(Stream.of(new RerollButton(jobs, staffAccess, limits, submitChecks, submitter, submits),
                        new VariationsButton(jobs, staffAccess, limits, submitChecks, submitter, submits,
                                options.variationStrength()),
                        new UpscaleButton(jobs, staffAccess, limits, submitChecks, submitter, submits, upscalers),
                        new DeleteButton(jobs, staffAccess, work),
                        new ModLogDeleteButton(jobs, staffAccess, audit, work),
                        new ModLogBlockButton(jobs, staffAccess, memberBlocks, audit, work)),
                        OutpaintButton.all(jobs, staffAccess, limits, submitChecks, submitter, submits,
                                new InpaintModels(jobs, guildSettings, clock)).stream()).toList(), acks);
        ImageAttachments.warmUp();
        ShutdownGate gate = new ShutdownGate(router);
        DiscordConnection connection = DiscordConnection.connect(settings, acks, gate, uploadLimits);
        modLog.connect(connection);
        connection.anyShard().updateCommands().addCommands(router.commandData()).complete();
        resumeProgress(jobs, connection, progress, clock);
        ResultPoster poster = new ResultPoster(jobs, connection, new ResultScreening(nsfwRules, new NsfwPolicy(), audit, meters),
                progress, uploadLimits, clock, options.sweepInterval(), meters).start();
        events.addListener(poster);
        LOG.info("Discord bot ready: {} shard(s), {} guild(s)", connection.shards().size(),
                connection.shards().stream().mapToLong(s -> s.getGuildCache().size()).sum());
        GuildPublisher guildPublisher = GuildPublisher.start(new BotGuildStore(dataSource), connection);
        return new DiscordBot(connection, events, poster, progress, work, gate, guildPublisher);
    }

    /** After a restart, keeps showing the progress of jobs that were waiting while the bot was down. */
    private static void resumeProgress(JobService jobs, DiscordConnection connection, ProgressReporter progress, Clock clock) {
        for (JobView job : jobs.activeJobsOnShards(connection.shardRange(), RESUMED_JOBS)) {
            if (job.state().isActive() && job.origin().tokenValidAt(clock.instant())) {
                connection.guild(job.origin().guildId()).ifPresent(guild ->
                        progress.track(job.id(), InteractionHook.from(guild.getJDA(), job.origin().interactionToken())));
            }
        }
    }

    /** The first step of a stop: interactions from now on are answered "sdbot is restarting" (see {@link ShutdownGate}). */
    public void stopAccepting() {
        gate.close();
    }

    @Override
    public boolean connected() {
        return connection.shards().stream().allMatch(shard -> shard.getStatus() == JDA.Status.CONNECTED);
    }

    @Override
    public Map<Long, String> guilds() {
        Map<Long, String> guilds = new TreeMap<>();
        connection.shards().forEach(shard -> shard.getGuilds().forEach(g -> guilds.put(g.getIdLong(), g.getName())));
        return guilds;
    }

    /**
     * Stops: refuses new interactions, lets the ones under way finish (up to {@link #FINISH_INTERACTIONS}), posts the
     * results that have SUCCEEDED (up to {@link #FLUSH_POSTS}), then disconnects.
     */
    @Override
    public void close() {
        gate.close();
        work.shutdown();
        try {
            work.awaitTermination(FINISH_INTERACTIONS.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        events.removeListener(poster);
        poster.flushAndClose(FLUSH_POSTS);
        progress.close();
        guildPublisher.close();
        connection.close();
        work.shutdownNow();
    }
}
