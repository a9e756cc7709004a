package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.features.moderation.filter.FilterAction;
import dev.sdbot.bot.features.moderation.filter.FilterRuleRef;
import dev.sdbot.bot.features.moderation.filter.RuleKind;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.OptionData;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.util.Locale;

/** {@code /mod filter add pattern:<text> [regex:<bool>] [action:block|strip|warn]}. */
public final class FilterAddCommand implements StaffSubcommand {
    private final FilterRuleEditor editor;

    public FilterAddCommand(FilterRuleEditor editor) {
        this.editor = editor;
    }

    @Override
    public String group() {
        return "filter";
    }

    @Override
    public SubcommandData data() {
        OptionData action = new OptionData(OptionType.STRING, "action", "What happens to a matching prompt (default block)");
        for (FilterAction a : FilterAction.values()) {
            action.addChoice(a.label(), a.label());
        }
        return new SubcommandData("add", "Add a word, phrase or regex to this server's prompt filter").addOptions(
                new OptionData(OptionType.STRING, "pattern", "Word, phrase or regular expression", true)
                        .setMaxLength(FilterRuleEditor.MAX_PATTERN_LENGTH + 100),
                new OptionData(OptionType.BOOLEAN, "regex", "Treat the pattern as a regular expression (default no)"),
                action);
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        boolean regex = event.getOption("regex", false, OptionMapping::getAsBoolean);
        FilterAction action = FilterAction.valueOf(event.getOption("action", "block", OptionMapping::getAsString)
                .toUpperCase(Locale.ROOT));
        FilterRuleRef rule = editor.add(event.getGuild().getIdLong(), event.getUser().getIdLong(),
                event.getOption("pattern", "", OptionMapping::getAsString), regex ? RuleKind.REGEX : RuleKind.PHRASE, action);
        return StaffSubcommand.text("✅ Added rule " + rule.describe()
                + ". It applies to prompts and negative prompts from now on, buttons included.");
    }
}
