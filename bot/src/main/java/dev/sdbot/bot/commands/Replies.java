package dev.sdbot.bot.commands;

import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.interactions.callbacks.IReplyCallback;

/** Ephemeral error answers, whether or not the interaction was already acknowledged. */
public final class Replies {
    private Replies() {
    }

    /** Replies ephemerally, or sends an ephemeral follow-up when the interaction was already acknowledged. */
    public static void error(IReplyCallback event, String message) {
        if (event.isAcknowledged()) {
            event.getHook().sendMessage(message).setEphemeral(true).queue();
        } else {
            event.reply(message).setEphemeral(true).queue();
        }
    }

    /**
     * Turns a public deferred reply into an ephemeral error: the error goes to the user alone and the
     * public "thinking..." placeholder is removed.
     */
    public static void rejectDeferred(InteractionHook hook, String message) {
        hook.sendMessage(message).setEphemeral(true).queue(sent -> hook.deleteOriginal().queue());
    }
}
