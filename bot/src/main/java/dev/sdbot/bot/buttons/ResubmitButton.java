package dev.sdbot.bot.buttons;

import dev.sdbot.bot.commands.ButtonHandler;
import dev.sdbot.bot.commands.JobButtonId;
import dev.sdbot.bot.commands.Replies;
import dev.sdbot.bot.imagine.JobSubmitter;
import dev.sdbot.bot.imagine.Moderators;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobResult;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobView;
import net.dv8tion.jda.api.events.interaction.component.ButtonInteractionEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;

/**
 * A button that queues a new job derived from a finished one (reroll, variations, upscale). Defers a
 * public reply at once, which becomes the new job's progress message and result.
 */
abstract class ResubmitButton implements ButtonHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ResubmitButton.class);
    static final String NOT_YOURS = "🙅 Not yours: only the member who asked for this image (or a moderator) can use its buttons.";

    private final JobService jobs;
    private final JobSubmitter submitter;
    private final Executor work;

    ResubmitButton(JobService jobs, JobSubmitter submitter, Executor work) {
        this.jobs = jobs;
        this.submitter = submitter;
        this.work = work;
    }

    /** The new request, from the original job and the images of its posted attempt. */
    abstract GenerationRequest derive(JobView job, List<JobResult> images);

    @Override
    public void onButton(ButtonInteractionEvent event, JobButtonId id) {
        event.deferReply().submit().whenCompleteAsync((hook, notAcknowledged) -> {
            if (notAcknowledged != null) {
                LOG.info("button {} could not be acknowledged ({}); nothing queued", id.customId(), notAcknowledged.toString());
                return;
            }
            try {
                Optional<JobView> job = jobs.find(id.jobId());
                if (job.isEmpty()) {
                    Replies.rejectDeferred(event.getHook(), "That job no longer exists.");
                    return;
                }
                if (!mayUse(event, job.get())) {
                    Replies.rejectDeferred(event.getHook(), NOT_YOURS);
                    return;
                }
                List<JobResult> images = jobs.results(id.jobId()).stream()
                        .filter(r -> r.attempt() == job.get().attempt() && r.png() != null).toList();
                if (images.isEmpty()) {
                    Replies.rejectDeferred(event.getHook(), "The images of job " + id.jobId() + " are no longer stored.");
                    return;
                }
                submitter.submit(event, derive(job.get(), images));
            } catch (RuntimeException e) {
                LOG.error("button {} failed", id.customId(), e);
                Replies.rejectDeferred(event.getHook(), "Something went wrong on our side; please try again.");
            }
        }, work);
    }

    static boolean mayUse(ButtonInteractionEvent event, JobView job) {
        return event.getUser().getIdLong() == job.origin().userId()
                || Moderators.isModerator(event.getMember(), event.getGuildChannel());
    }

    /** The request with another seed, start image, strength, size and count. */
    static GenerationRequest copy(GenerationRequest r, Long seed, byte[] initImage, double strength, int width,
                                  int height, int count) {
        return new GenerationRequest(r.prompt(), r.negativePrompt(), r.model(), r.sampler(), r.steps(), r.cfgScale(),
                width, height, seed, count, initImage, strength, initImage == r.initImage() ? r.maskImage() : null,
                r.clipSkip());
    }
}
