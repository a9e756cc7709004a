package dev.sdbot.bot.features.imagine;

import dev.sdbot.inference.api.GenerationRequest;

import java.util.List;

/**
 * One server-side rule a request must pass before it is queued (prompt filters, member blocks, channels
 * where /imagine may be used...). Every path that submits a job — /imagine and each button that
 * re-submits — runs all of them through {@link SubmitChecks}, before the reply is deferred where possible.
 */
public interface SubmitCheck {

    /**
     * @param notices add a line here to tell the member something without refusing (shown ephemerally)
     * @return the request to queue, possibly changed (e.g. filtered words stripped)
     * @throws dev.sdbot.bot.discord.Rejection to refuse; the message is shown to the member alone
     */
    GenerationRequest check(Submitter submitter, GenerationRequest request, List<String> notices);
}
