/**
 * {@code /admin}: usage reports and export, per-member quotas, the guild's settings (limits, defaults, roles).
 */
package dev.sdbot.bot.features.admin;
