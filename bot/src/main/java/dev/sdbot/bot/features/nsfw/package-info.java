/**
 * The NSFW policy: what a channel may show of an image the safety checker flagged or could not check
 * (post, spoiler, blur, block), previews while a job runs, the screening of each result and its audit, and
 * {@code /mod nsfw set|show}.
 */
package dev.sdbot.bot.features.nsfw;
