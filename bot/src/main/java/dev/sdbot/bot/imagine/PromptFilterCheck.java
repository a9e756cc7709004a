package dev.sdbot.bot.imagine;

import dev.sdbot.bot.commands.Rejection;
import dev.sdbot.inference.api.GenerationRequest;

import java.util.List;
import java.util.Optional;

/** The guild's prompt filter as a {@link SubmitCheck}: prompt and negative prompt, on every submit path. */
public final class PromptFilterCheck implements SubmitCheck {
    private final PromptFilter filter;

    public PromptFilterCheck(PromptFilter filter) {
        this.filter = filter;
    }

    @Override
    public GenerationRequest check(Submitter submitter, GenerationRequest request, List<String> notices) {
        Optional<String> blocked = filter.blockedCategory(submitter.guildId(), request.prompt(), request.negativePrompt());
        if (blocked.isPresent()) {
            throw new Rejection("🚫 Your prompt was blocked by this server's filter ("
                    + blocked.get() + "). Please rephrase it.");
        }
        return request;
    }
}
