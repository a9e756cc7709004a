package dev.sdbot.bot.discord;

import net.dv8tion.jda.api.interactions.callbacks.IReplyCallback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Answers an interaction that queues work. The checks (which may read the database) run off the
 * gateway thread against a budget well inside Discord's 3 s: a refusal known within the budget is a
 * true ephemeral reply, so nobody sees a public "thinking…" placeholder. Otherwise — checks passed, or
 * still running — the reply is deferred publicly and, once Discord took the acknowledgement, the rest
 * runs; a refusal found then is an ephemeral follow-up and the placeholder is deleted.
 */
public final class CheckThenDefer {
    private static final Logger LOG = LoggerFactory.getLogger(CheckThenDefer.class);
    /** How long the checks may take before the reply is deferred anyway. */
    public static final Duration CHECK_BUDGET = Duration.ofMillis(1500);
    private static final String OUR_FAULT = "Something went wrong on our side; please try again.";

    private CheckThenDefer() {
    }

    /**
     * @param check      validates and prepares; throws {@link Rejection} to refuse
     * @param afterDefer runs after the public deferral was acknowledged; may throw {@link Rejection}
     */
    public static <T> void run(IReplyCallback event, Executor work, String what, Supplier<T> check, Consumer<T> afterDefer) {
        CompletableFuture<T> checked = CompletableFuture.supplyAsync(check, work);
        CompletableFuture<Object> budget = new CompletableFuture<>()
                .completeOnTimeout(null, CHECK_BUDGET.toMillis(), TimeUnit.MILLISECONDS);
        // Not async: the acknowledgement must not wait for a free worker thread when the pool is busy.
        CompletableFuture.anyOf(checked, budget).whenComplete((ignored, ignoredError) -> {
            if (checked.isCompletedExceptionally()) {
                Throwable cause = cause(checked);
                if (!(cause instanceof Rejection)) {
                    LOG.error("{} failed", what, cause);
                }
                event.reply(cause instanceof Rejection ? cause.getMessage() : OUR_FAULT).setEphemeral(true).queue();
                return;
            }
            event.deferReply().submit().whenCompleteAsync((hook, notAcknowledged) -> {
                if (notAcknowledged != null) {
                    LOG.info("{} could not be acknowledged ({}); nothing queued", what, notAcknowledged.toString());
                    return;
                }
                try {
                    afterDefer.accept(checked.join());
                } catch (RuntimeException e) {
                    Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                    if (cause instanceof Rejection) {
                        Replies.rejectDeferred(event.getHook(), cause.getMessage());
                    } else {
                        LOG.error("{} failed", what, cause);
                        Replies.rejectDeferred(event.getHook(), OUR_FAULT);
                    }
                }
            }, work);
        });
    }

    private static Throwable cause(CompletableFuture<?> failed) {
        try {
            failed.join();
            throw new IllegalStateException("not failed");
        } catch (CompletionException e) {
            return e.getCause() != null ? e.getCause() : e;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
