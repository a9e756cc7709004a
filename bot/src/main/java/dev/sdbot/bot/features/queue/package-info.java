/**
 * {@code /queue}, {@code /cancel} and {@code /quota}: a member's jobs, their place in the queue and the day's use.
 */
package dev.sdbot.bot.features.queue;
