package dev.sdbot.bot.features.queue;

import dev.sdbot.bot.discord.SlashCommand;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobView;
import net.dv8tion.jda.api.interactions.InteractionContextType;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.build.Commands;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

import java.util.List;
import java.util.concurrent.Executor;

/**
 * {@code /queue}: the member's recent jobs in this guild with their state or queue position, and the depth of
 * the queue, which is global (all guilds share the workers, so positions count every guild's jobs).
 */
public final class QueueCommand implements SlashCommand {
    private final JobService jobs;
    private final Executor work;

    public QueueCommand(JobService jobs, Executor work) {
        this.jobs = jobs;
        this.work = work;
    }

    @Override
    public SlashCommandData data() {
        return Commands.slash("queue", "Your jobs and how busy the queue is").setContexts(InteractionContextType.GUILD);
    }

    @Override
    public void onSlashCommand(SlashCommandInteractionEvent event) {
        event.deferReply(true).queue();
        work.execute(() -> event.getHook().editOriginal(
                describe(event.getGuild().getIdLong(), event.getUser().getIdLong())).queue());
    }

    private String describe(long guildId, long userId) {
        StringBuilder text = new StringBuilder("**Queue depth:** " + jobs.queueDepth() + " job(s) waiting (all servers)\n");
        List<JobView> mine = jobs.jobsOf(guildId, userId, 10);
        if (mine.isEmpty()) {
            text.append("You have no jobs in this server yet.");
        }
        for (JobView job : mine) {
            text.append("• job ").append(job.id()).append(" — ").append(state(job)).append(" — ")
                    .append(job.request().prompt().length() > 60 ? job.request().prompt().substring(0, 59) + "…" : job.request().prompt())
                    .append('\n');
        }
        return text.toString();
    }

    private String state(JobView job) {
        if (job.state() == JobState.QUEUED) {
            return (job.relaxed() ? "queued in relax mode (over your daily quota: it runs when nothing else waits), position "
                    : "queued, position ") + jobs.queuePosition(job.id());
        }
        if (job.state() == JobState.RUNNING && job.progressTotal() > 0) {
            return "running, " + (100 * job.progressStep() / job.progressTotal()) + "%";
        }
        return job.state().name().toLowerCase();
    }
}
