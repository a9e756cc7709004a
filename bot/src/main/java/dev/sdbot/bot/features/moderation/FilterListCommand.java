package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.StaffSubcommand;
import dev.sdbot.bot.features.moderation.filter.GuildFilters;
import dev.sdbot.db.entity.FilterRule;
import net.dv8tion.jda.api.entities.Message;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

import java.util.List;

/** {@code /mod filter list}: this server's rules and whether the default list is on. */
public final class FilterListCommand implements StaffSubcommand {
    private final FilterRuleEditor editor;
    private final GuildFilters filters;

    public FilterListCommand(FilterRuleEditor editor, GuildFilters filters) {
        this.editor = editor;
        this.filters = filters;
    }

    @Override
    public String group() {
        return "filter";
    }

    @Override
    public SubcommandData data() {
        return new SubcommandData("list", "Show this server's prompt filter rules");
    }

    @Override
    public MessageEditData run(SlashCommandInteractionEvent event) {
        long guildId = event.getGuild().getIdLong();
        List<FilterRule> rules = editor.rules(guildId);
        String footer = "\nBuilt-in default list: " + (filters.defaultsEnabled(guildId) ? "**on**" : "off")
                + " (" + filters.defaults().size() + " words, `/mod filter defaults`).";
        StringBuilder text = new StringBuilder("**Prompt filter rules** (" + rules.size() + ")\n");
        if (rules.isEmpty()) {
            text.append("None yet: add one with `/mod filter add`.\n");
        }
        for (int i = 0; i < rules.size(); i++) {
            String line = GuildFilters.ref(rules.get(i)).describe() + "\n";
            String more = "… and " + (rules.size() - i) + " more\n";
            if (text.length() + line.length() + more.length() + footer.length() > Message.MAX_CONTENT_LENGTH) {
                text.append(more);
                break;
            }
            text.append(line);
        }
        return StaffSubcommand.text(text.append(footer).toString());
    }
}
