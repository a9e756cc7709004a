package dev.sdbot.bot.discord;

import net.dv8tion.jda.api.events.GenericEvent;
import net.dv8tion.jda.api.events.interaction.command.CommandAutoCompleteInteractionEvent;
import net.dv8tion.jda.api.hooks.EventListener;
import net.dv8tion.jda.api.interactions.callbacks.IReplyCallback;

/**
 * Stands in front of the interaction listener: while sdbot is stopping (SIGTERM), a command or button press is
 * answered at once with an ephemeral {@link #RESTARTING} instead of being started and cut off halfway; autocomplete
 * gets no suggestions. Everything else passes through.
 */
public final class ShutdownGate implements EventListener {
    public static final String RESTARTING = "sdbot is restarting, try again in a minute.";

    private final EventListener inner;
    private volatile boolean closed;

    public ShutdownGate(EventListener inner) {
        this.inner = inner;
    }

    /** From now on, interactions are refused. */
    public void close() {
        closed = true;
    }

    @Override
    public void onEvent(GenericEvent event) {
        if (!closed) {
            inner.onEvent(event);
        } else if (event instanceof CommandAutoCompleteInteractionEvent autocomplete) {
            autocomplete.replyChoices().queue();
        } else if (event instanceof IReplyCallback interaction) {
            interaction.reply(RESTARTING).setEphemeral(true).queue();
        } else {
            inner.onEvent(event);
        }
    }
}
