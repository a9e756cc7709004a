package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.JobButtonId;
import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffAccess;
import dev.sdbot.bot.discord.StaffRole;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.Executor;
import java.util.function.BiFunction;

/**
 * What the mod-log buttons share: acknowledged ephemerally at once, then checked server-side: the member
 * must be a moderator ({@link StaffAccess}) and the job must belong to the guild the button was pressed in
 * (an unknown job and another guild's job get the same answer).
 */
final class ModLogButtons {
    private static final Logger LOG = LoggerFactory.getLogger(ModLogButtons.class);
    static final String NOT_STAFF = "🚫 Only moderators (Manage Messages, or the server's moderator role) can use the mod-log buttons.";
    static final String NO_SUCH_JOB = "There is no such job in this server.";

    private final JobService jobs;
    private final StaffAccess access;
    private final Executor work;

    ModLogButtons(JobService jobs, StaffAccess access, Executor work) {
        this.jobs = jobs;
        this.access = access;
        this.work = work;
    }

    /** Runs the action for a moderator of the job's guild and shows its answer; refuses everyone else. */
    void handle(ButtonInteractionEvent event, JobButtonId id, BiFunction<ButtonInteractionEvent, JobView, String> action) {
        event.deferReply(true).queue();
        work.execute(() -> {
            String answer;
            try {
                if (!access.allows(event.getMember(), StaffRole.MODERATOR)) {
                    answer = NOT_STAFF;
                } else {
                    JobView job = jobs.find(id.jobId()).filter(j -> event.getGuild() != null
                            && j.origin().guildId() == event.getGuild().getIdLong()).orElseThrow(() -> new Rejection(NO_SUCH_JOB));
                    answer = action.apply(event, job);
                }
            } catch (Rejection e) {
                answer = e.getMessage();
            } catch (RuntimeException e) {
                LOG.error("mod-log button {} failed", event.getComponentId(), e);
                answer = "Something went wrong on our side; nothing was changed. Please try again.";
            }
            event.getHook().editOriginal(answer).queue();
        });
    }
}
