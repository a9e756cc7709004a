package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.ButtonHandler;
import dev.sdbot.bot.discord.JobButtonId;
import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;
import net.dv8tion.jda.api.entities.channel.middleman.GuildMessageChannel;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.requests.ErrorResponse;

import java.util.concurrent.Executor;

/** "Delete public message" of a mod-log entry: deletes the job's posted result (moderators of its guild only). */
public final class ModLogDeleteButton implements ButtonHandler {
    private final ModLogButtons buttons;
    private final AuditTrail audit;

    public ModLogDeleteButton(JobService jobs, StaffAccess access, AuditTrail audit, Executor work) {
        this.buttons = new ModLogButtons(jobs, access, work);
        this.audit = audit;
    }

    @Override
    public String action() {
        return ModLog.DELETE_ACTION;
    }

    @Override
    public void onButton(ButtonInteractionEvent event, JobButtonId id) {
        buttons.handle(event, id, this::delete);
    }

    private String delete(ButtonInteractionEvent event, JobView job) {
        if (job.postedMessageId() == null) {
            throw new Rejection("Job " + job.id() + " has no public message (it was not posted).");
        }
        GuildMessageChannel channel = event.getGuild().getChannelById(GuildMessageChannel.class, job.origin().channelId());
        if (channel == null) {
            throw new Rejection("The channel of job " + job.id() + " is gone.");
        }
        try {
            channel.deleteMessageById(job.postedMessageId()).complete();
        } catch (ErrorResponseException e) {
            if (e.getErrorResponse() != ErrorResponse.UNKNOWN_MESSAGE) {
                throw new Rejection("I couldn't delete the message of job " + job.id() + ": " + e.getMeaning());
            }
            return "The message of job " + job.id() + " was already deleted.";
        }
        audit.record(job.origin().guildId(), job.id(), job.origin().userId(), event.getUser().getIdLong(),
                "delete_result", "deleted the public message of job " + job.id() + " from the mod log", "{}");
        return "🗑️ Deleted the public message of job " + job.id() + ".";
    }
}
