package dev.sdbot.bot.discord;

import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.events.interaction.command.SlashCommandInteractionEvent;
import net.dv8tion.jda.api.interactions.commands.build.SubcommandData;
import net.dv8tion.jda.api.utils.messages.MessageEditData;

/**
 * One subcommand of a staff command, e.g. {@code /mod filter add}. It runs after the server-side
 * permission check, off the gateway thread, with the reply already deferred ephemerally; it reads the
 * guild from the event and acts on that guild only.
 */
public interface StaffSubcommand {

    /** The subcommand group ({@code filter} of {@code /mod filter add}), or null for a plain subcommand. */
    String group();

    /** The subcommand's definition; its name routes invocations here. */
    SubcommandData data();

    /**
     * Carries the subcommand out and returns the (ephemeral) answer.
     *
     * @throws dev.sdbot.bot.discord.Rejection for bad input: the message is the answer, nothing changed
     */
    MessageEditData run(SlashCommandInteractionEvent event);

    /** Answers autocomplete for options declared with autocomplete. */
    default void onAutoComplete(CommandAutoCompleteInteractionEvent event) {
        event.replyChoices().queue();
    }

    /** A plain text answer. */
    static MessageEditData text(String text) {
        return MessageEditData.fromContent(text);
    }
}
