package dev.sdbot.bot.features.admin;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.scheduler.usage.UsageReports;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;

/** Options shared by the /admin subcommands, checked again server-side (the client-side ranges are advice). */
final class AdminOptions {
    private AdminOptions() {
    }

    static OptionData days(String description) {
        return new OptionData(OptionType.INTEGER, "days", description).setRequiredRange(1, UsageReports.MAX_DAYS);
    }

    /** The days option, 1..90, or the default. */
    static int days(SlashCommandInteractionEvent event, int defaultDays) {
        long days = event.getOption("days", (long) defaultDays, OptionMapping::getAsLong);
        if (days < 1 || days > UsageReports.MAX_DAYS) {
            throw new Rejection("⚠️ `days` must be between 1 and " + UsageReports.MAX_DAYS + ", got " + days + ".");
        }
        return (int) days;
    }

    /** An optional whole-number option within [min, max], or null when not given. */
    static Integer integer(SlashCommandInteractionEvent event, String name, long min, long max) {
        OptionMapping option = event.getOption(name);
        if (option == null) {
            return null;
        }
        long value = option.getAsLong();
        if (value < min || value > max) {
            throw new Rejection("⚠️ `" + name + "` must be " + (max == Integer.MAX_VALUE ? "at least " + min
                    : "between " + min + " and " + max) + ", got " + value + ". Nothing was changed.");
        }
        return (int) value;
    }
}
