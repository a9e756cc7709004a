/**
 * {@code /mod}: prompt filters ({@code filter add|remove|list|test|defaults}), member blocks, the recent
 * moderation log and the mod-log channel with its buttons; the audit trail every moderator action and automatic
 * block is written to.
 */
package dev.sdbot.bot.features.moderation;
