/**
 * Results in Discord: the progress message while a job runs, then the posted images with their embed and
 * buttons, exactly once (an earlier post is found again after a crash).
 */
package dev.sdbot.bot.features.results;
