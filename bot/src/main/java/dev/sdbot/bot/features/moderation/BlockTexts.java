package dev.sdbot.bot.features.moderation;

import net.dv8tion.jda.api.utils.TimeFormat;

import java.time.Instant;

/** How a block's end is written: a Discord timestamp each member sees in their own time zone. */
public final class BlockTexts {
    private BlockTexts() {
    }

    public static String until(Instant expiresAt) {
        return expiresAt == null ? "until a moderator unblocks you"
                : "until " + TimeFormat.DATE_TIME_SHORT.format(expiresAt) + " (" + TimeFormat.RELATIVE.format(expiresAt) + ")";
    }
}
