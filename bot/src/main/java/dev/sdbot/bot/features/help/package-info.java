/**
 * {@code /help}: what the bot does and how to use it.
 */
package dev.sdbot.bot.features.help;
