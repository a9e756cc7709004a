package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.ButtonHandler;
import dev.sdbot.bot.discord.JobButtonId;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;

import java.util.Optional;
import java.util.concurrent.Executor;

/** 🗑 Delete: removes the result message (requester or moderator only). */
public final class DeleteButton implements ButtonHandler {
    private final JobService jobs;
    private final StaffAccess access;
    private final Executor work;

    public DeleteButton(JobService jobs, StaffAccess access, Executor work) {
        this.jobs = jobs;
        this.access = access;
        this.work = work;
    }

    @Override
    public String action() {
        return "delete";
    }

    @Override
    public void onButton(ButtonInteractionEvent event, JobButtonId id) {
        event.deferReply(true).queue();
        work.execute(() -> {
            // Only a job of this guild counts; a moderator may still clear a message whose job is gone.
            Optional<JobView> job = jobs.findInGuild(event.getGuild().getIdLong(), id.jobId());
            boolean moderator = access.moderates(event.getMember(), event.getGuildChannel());
            if (job.isEmpty() && !moderator) {
                event.getHook().editOriginal(ResubmitButton.NO_SUCH_JOB).queue();
                return;
            }
            if (job.isPresent() && !ResubmitButton.mayUse(event, job.get(), access)) {
                event.getHook().editOriginal(ResubmitButton.NOT_YOURS).queue();
                return;
            }
            event.getMessage().delete().queue(
                    done -> event.getHook().editOriginal("🗑️ Deleted.").queue(),
                    failure -> event.getHook().editOriginal("I couldn't delete that message.").queue());
        });
    }
}
