package dev.sdbot.bot.features.imagine;

import java.util.List;

/**
 * Who asks for a job, and where: what every {@link SubmitCheck} decides on.
 *
 * @param buttonPress true when a result button (Reroll, Variations, Upscale) re-submits, false for /imagine
 */
public record Submitter(long guildId, long channelId, long userId, List<Long> roleIds, boolean buttonPress) {
}
