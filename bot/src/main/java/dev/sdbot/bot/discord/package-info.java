/**
 * Discord infrastructure shared by every feature: the JDA connection, the interaction router and the
 * {@link dev.sdbot.bot.discord.SlashCommand} / {@link dev.sdbot.bot.discord.ButtonHandler} interfaces it dispatches
 * to, staff commands and their server-side permission check ({@link dev.sdbot.bot.discord.StaffAccess}),
 * replies, refusals and Discord's length and upload limits. It knows no feature.
 */
package dev.sdbot.bot.discord;
