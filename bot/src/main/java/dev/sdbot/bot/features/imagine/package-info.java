/**
 * {@code /imagine} and the buttons under a result that queue a new job from it (reroll, variations, upscale, zoom out, pan)
 * or delete it: reading the options, the guild's limits and defaults, the submit checks (blocks, prompt filters,
 * channel, negative prefix) and the submission to the scheduler.
 */
package dev.sdbot.bot.features.imagine;
