package dev.sdbot.bot.buttons;

import dev.sdbot.bot.commands.ButtonHandler;
import dev.sdbot.bot.commands.JobButtonId;
import dev.sdbot.bot.imagine.Moderators;
import dev.sdbot.scheduler.JobService;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;

import java.util.concurrent.Executor;

/** 🗑 Delete: removes the result message (requester or moderator only). */
public final class DeleteButton implements ButtonHandler {
    private final JobService jobs;
    private final Executor work;

    public DeleteButton(JobService jobs, Executor work) {
        this.jobs = jobs;
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
            boolean allowed = jobs.find(id.jobId()).map(job -> ResubmitButton.mayUse(event, job))
                    .orElseGet(() -> Moderators.isModerator(event.getMember(), event.getGuildChannel()));
            if (!allowed) {
                event.getHook().editOriginal(ResubmitButton.NOT_YOURS).queue();
                return;
            }
            event.getMessage().delete().queue(
                    done -> event.getHook().editOriginal("🗑️ Deleted.").queue(),
                    failure -> event.getHook().editOriginal("I couldn't delete that message.").queue());
        });
    }
}
