package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.features.moderation.filter.GuildFilters;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.OptionMapping;
import net.dv8tion.jda.api.interactions.commands.OptionType;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

/** {@code /mod filter defaults enabled:<bool>}: the built-in word list on or off for this server. */
public final class FilterDefaultsCommand implements StaffSubcommand {
    private final FilterRuleEditor editor;
    private final GuildFilters filters;

    public FilterDefaultsCommand(FilterRuleEditor editor, GuildFilters filters) {
        this.editor = editor;
        this.filters = filters;
    }

    @Override
    public String group() {
        return "filter";
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("defaults", "Switch the built-in list of explicit words on or off")
                .addOption(OptionType.BOOLEAN, "enabled", "Block the built-in list's words in this server", true);
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        boolean enabled = event.getOption("enabled", false, OptionMapping::getAsBoolean);
        editor.setDefaultsEnabled(event.getGuild().getIdLong(), event.getUser().getIdLong(), enabled);
        return StaffSubcommand.text(enabled
                ? "✅ The built-in list (" + filters.defaults().size() + " explicit words) now blocks prompts here, "
                        + "in addition to this server's own rules."
                : "✅ The built-in list is off; only this server's own rules apply.");
    }
}
