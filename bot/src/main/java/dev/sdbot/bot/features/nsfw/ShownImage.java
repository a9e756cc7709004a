package dev.sdbot.bot.features.nsfw;

import dev.sdbot.scheduler.JobResult;

/** An image of a result to post and how: POST, SPOILER or BLUR (BLOCK images are not shown at all). */
public record ShownImage(JobResult image, NsfwPolicy.Treatment treatment) {
    public ShownImage {
        if (treatment == NsfwPolicy.Treatment.BLOCK) {
            throw new IllegalArgumentException("a blocked image is not shown");
        }
    }
}
