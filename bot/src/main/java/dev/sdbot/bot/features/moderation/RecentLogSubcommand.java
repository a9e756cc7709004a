package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.db.entity.ModerationEvent;
import dev.sdbot.db.store.ModerationEventStore;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.TimeFormat;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.util.List;

/** {@code /mod log recent [count:<1..25>]}: this guild's latest moderation events — who, what, when, why, job. */
public final class RecentLogSubcommand implements StaffSubcommand {
    static final int DEFAULT_COUNT = 10;
    static final int MAX_COUNT = 25;
    /** Discord's message limit is 2000 characters; the list stops before it. */
    private static final int MAX_TEXT = 1900;
    private static final int MAX_REASON = 120;

    private final ModerationEventStore events;

    public RecentLogSubcommand(ModerationEventStore events) {
        this.events = events;
    }

    @Override
    public String group() {
        return "log";
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("recent", "The latest moderation events of this server")
                .addOptions(new OptionData(OptionType.INTEGER, "count", "How many (default " + DEFAULT_COUNT + ")")
                        .setRequiredRange(1, MAX_COUNT));
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        int count = event.getOption("count", DEFAULT_COUNT, OptionMapping::getAsInt);
        if (count < 1 || count > MAX_COUNT) {
            throw new Rejection("⚠️ `count` must be between 1 and " + MAX_COUNT + ".");
        }
        List<ModerationEvent> recent = events.recent(event.getGuild().getIdLong(), count);
        if (recent.isEmpty()) {
            return StaffSubcommand.text("No moderation events in this server yet.");
        }
        StringBuilder text = new StringBuilder("**Latest moderation events** (newest first)\n");
        int shown = 0;
        for (ModerationEvent e : recent) {
            String line = line(e);
            if (text.length() + line.length() > MAX_TEXT) {
                text.append("… and ").append(recent.size() - shown).append(" more (ask for fewer)");
                break;
            }
            text.append(line);
            shown++;
        }
        return StaffSubcommand.text(text.toString());
    }

    static String line(ModerationEvent e) {
        String reason = e.getReason().length() > MAX_REASON ? e.getReason().substring(0, MAX_REASON - 1) + "…" : e.getReason();
        return "• " + TimeFormat.DATE_TIME_SHORT.format(e.getCreatedAt()) + " **" + e.getKind() + "** — <@" + e.getUserId()
                + ">" + (e.getModeratorId() == null ? " (automatic)" : " by <@" + e.getModeratorId() + ">")
                + (e.getJobId() == null ? "" : " — job " + e.getJobId())
                + " — " + reason.replace('\n', ' ') + "\n";
    }
}
