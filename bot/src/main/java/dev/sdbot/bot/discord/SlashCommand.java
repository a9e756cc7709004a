package dev.sdbot.bot.discord;

import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.build.SlashCommandData;

/** One slash command: its definition for Discord and its handling. */
public interface SlashCommand {

    /** The command as registered with Discord; its name routes interactions here. */
    SlashCommandData data();

    /** Handles an invocation. Must acknowledge (reply or defer) at once, before any database work. */
    void onSlashCommand(SlashCommandInteractionEvent event);

    /** Answers autocomplete for options declared with autocomplete. */
    default void onAutoComplete(CommandAutoCompleteInteractionEvent event) {
        event.replyChoices().queue();
    }
}
