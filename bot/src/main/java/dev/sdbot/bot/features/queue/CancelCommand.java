package dev.sdbot.bot.features.queue;

import dev.sdbot.bot.discord.SlashCommand;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.bot.discord.StaffRole;
import dev.sdbot.scheduler.CancelOutcome;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.entities.Member;
import net.dv8tion.jda.api.entities.channel.middleman.GuildChannel;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * {@code /cancel [job]}: cancels the given job, or the member's most recent waiting or running one, in the guild
 * where the command was typed. A job of another guild is answered exactly like one that does not exist.
 */
public final class CancelCommand implements SlashCommand {
    private final JobService jobs;
    private final StaffAccess access;
    private final Executor work;

    public CancelCommand(JobService jobs, StaffAccess access, Executor work) {
        this.jobs = jobs;
        this.access = access;
        this.work = work;
    }

    @Override
    public SlashCommandData data() {
        return Commands.slash("cancel", "Cancel a queued or running job")
                .setContexts(InteractionContextType.GUILD)
                .addOption(OptionType.INTEGER, "job", "Job id (default: your latest active job)");
    }

    @Override
    public void onSlashCommand(SlashCommandInteractionEvent event) {
        event.deferReply(true).queue();
        work.execute(() -> event.getHook().editOriginal(cancel(event)).queue());
    }

    private String cancel(SlashCommandInteractionEvent event) {
        long guildId = event.getGuild().getIdLong();
        long userId = event.getUser().getIdLong();
        Optional<Long> jobId = Optional.ofNullable(event.getOption("job", null, OptionMapping::getAsLong));
        if (jobId.isEmpty()) {
            jobId = jobs.jobsOf(guildId, userId, 20).stream().filter(j -> j.state().isActive()).map(JobView::id).findFirst();
            if (jobId.isEmpty()) {
                return "You have no queued or running job in this server.";
            }
        }
        CancelOutcome outcome = jobs.cancelInGuild(guildId, jobId.get(), userId, moderatesJob(event, jobId.get()));
        return switch (outcome) {
            case CANCELLED -> "🚫 Job " + jobId.get() + " cancelled.";
            case NOT_FOUND -> noSuchJob(jobId.get());
            case NOT_ALLOWED -> "Job " + jobId.get() + " is not yours to cancel.";
            case ALREADY_FINISHED -> "Job " + jobId.get() + " has already finished.";
        };
    }

    /**
     * Whether the member may cancel other members' job {@code jobId}: a moderator of the guild, or one who manages
     * messages in the job's own channel; never by rights in the channel where /cancel was typed.
     */
    private boolean moderatesJob(SlashCommandInteractionEvent event, long jobId) {
        Member member = event.getMember();
        if (access.allows(member, StaffRole.MODERATOR)) {
            return true;
        }
        GuildChannel jobChannel = jobs.find(jobId).filter(j -> j.origin().guildId() == event.getGuild().getIdLong())
                .map(j -> event.getGuild().getGuildChannelById(j.origin().channelId())).orElse(null);
        return jobChannel != null && access.moderates(member, jobChannel);
    }

    /** The one answer for a job that does not exist and for a job of another guild. */
    public static String noSuchJob(long jobId) {
        return "There is no job " + jobId + " in this server.";
    }
}
