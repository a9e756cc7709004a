package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.features.moderation.filter.FilterRuleRef;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.util.Optional;

/** {@code /mod filter remove id:<int>}: only rules of this server. */
public final class FilterRemoveCommand implements StaffSubcommand {
    private final FilterRuleEditor editor;

    public FilterRemoveCommand(FilterRuleEditor editor) {
        this.editor = editor;
    }

    @Override
    public String group() {
        return "filter";
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("remove", "Remove a rule from this server's prompt filter")
                .addOption(OptionType.INTEGER, "id", "The rule's number, as /mod filter list shows it", true);
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        long id = event.getOption("id", 0L, OptionMapping::getAsLong);
        Optional<FilterRuleRef> removed = editor.remove(event.getGuild().getIdLong(), event.getUser().getIdLong(), id);
        return StaffSubcommand.text(removed.map(r -> "🗑️ Removed rule " + r.describe() + ".")
                .orElse("⚠️ There is no rule " + id + " in this server; `/mod filter list` shows its rules."));
    }
}
