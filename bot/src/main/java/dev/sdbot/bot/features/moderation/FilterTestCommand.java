package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.features.moderation.filter.EncodedPromptScreen;
import dev.sdbot.bot.features.moderation.filter.GuildFilters;
import dev.sdbot.bot.features.moderation.filter.Screening;
import dev.sdbot.inference.text.ParsedPrompt;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

/** {@code /mod filter test prompt:<text>}: which rule fires on a prompt, changing nothing. */
public final class FilterTestCommand implements StaffSubcommand {
    private final GuildFilters filters;

    public FilterTestCommand(GuildFilters filters) {
        this.filters = filters;
    }

    @Override
    public String group() {
        return "filter";
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("test", "Show which filter rule a prompt would hit (nothing is generated)")
                .addOption(OptionType.STRING, "prompt", "The prompt to try", true);
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        Screening screening = EncodedPromptScreen.typedAndEncoded(filters.rulesFor(event.getGuild().getIdLong()),
                event.getOption("prompt", "", OptionMapping::getAsString), ParsedPrompt::of);
        if (screening.blockedBy() != null) {
            return StaffSubcommand.text("🚫 Blocked by rule " + screening.blockedBy().describe() + ".");
        }
        if (screening.failed() != null) {
            return StaffSubcommand.text("🚫 Blocked: rule " + screening.failed().describe() + " could not be checked ("
                    + screening.failure() + "), and the filter refuses what it cannot check.");
        }
        StringBuilder text = new StringBuilder();
        screening.stripped().forEach(r -> text.append("✂️ Rule ").append(r.describe()).append(" fires.\n"));
        if (!screening.stripped().isEmpty()) {
            text.append(screening.strippedToNothing() ? "Nothing would be left, so the prompt would be refused.\n"
                    : "The prompt would run as: " + screening.text() + "\n");
        }
        screening.warned().forEach(r -> text.append("⚠️ Rule ").append(r.describe()).append(" fires.\n"));
        return StaffSubcommand.text(text.isEmpty() ? "✅ No rule fires: the prompt would be generated as it is."
                : text.toString());
    }
}
