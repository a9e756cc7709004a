package dev.sdbot.bot.discord;

import net.dv8tion.jda.api.interactions.InteractionHook;
import net.dv8tion.jda.api.interactions.callbacks.IReplyCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.RejectedExecutionException;

/** Ephemeral error answers, whether or not the interaction was already acknowledged. */
public final class Replies {
    private static final Logger LOG = LoggerFactory.getLogger(Replies.class);

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
        try {
            hook.sendMessage(message).setEphemeral(true).queue(sent -> hook.deleteOriginal().queue());
        } catch (RejectedExecutionException e) {
            LOG.debug("could not send an error reply, the Discord connection is shutting down");
        }
    }
}
