package dev.sdbot.bot.features.imagine;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.features.moderation.FilterAudit;
import dev.sdbot.bot.features.moderation.filter.CompiledRule;
import dev.sdbot.bot.features.moderation.filter.FilterRuleRef;
import dev.sdbot.bot.features.moderation.filter.GuildFilters;
import dev.sdbot.bot.features.moderation.filter.EncodedPromptScreen;
import dev.sdbot.bot.features.moderation.filter.Screening;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.text.ParsedPrompt;
import dev.sdbot.inference.text.PromptSchedules;

import java.util.LinkedHashSet;
import java.util.function.Function;
import java.util.List;
import java.util.Set;

/**
 * The guild's prompt filter as a {@link SubmitCheck}: prompt and negative prompt, on every submit path, each screened
 * as typed and as the engine will encode it ({@link EncodedPromptScreen}: syntax removed, LoRA
 * names read as words).
 * BLOCK refuses (naming the kind of rule, never the rule), STRIP removes the matched words, WARN lets the
 * job run with a notice; a rule that cannot be checked refuses (fails closed). Every hit is audited.
 */
public final class PromptFilterCheck implements SubmitCheck {
    private final GuildFilters filters;
    private final FilterAudit audit;

    public PromptFilterCheck(GuildFilters filters, FilterAudit audit) {
        this.filters = filters;
        this.audit = audit;
    }

    @Override
    public GenerationRequest check(Submitter submitter, GenerationRequest request, List<String> notices) {
        List<CompiledRule> rules = filters.rulesFor(submitter.guildId());
        if (rules.isEmpty()) {
            return request;
        }
        FilterAudit.Attempt attempt = new FilterAudit.Attempt(submitter.guildId(), submitter.channelId(),
                submitter.userId(), submitter.buttonPress(), request.prompt(), request.negativePrompt());
        Screening prompt = EncodedPromptScreen.typedAndEncoded(rules, request.prompt(), ParsedPrompt::of);
        refuseIfRefused(attempt, "prompt", prompt);
        Screening negative = EncodedPromptScreen.typedAndEncoded(rules, request.negativePrompt(), ParsedPrompt::attention);
        refuseIfRefused(attempt, "negative prompt", negative);
        int hiresSteps = request.hires() == null ? 0 : request.hires().steps(request.steps());
        refuseIfABranchIsRefused(attempt, "prompt", rules, prompt.text(), request.steps(), hiresSteps, ParsedPrompt::of);
        refuseIfABranchIsRefused(attempt, "negative prompt", rules, negative.text(), request.steps(), hiresSteps,
                ParsedPrompt::attention);

        Set<FilterRuleRef> stripped = new LinkedHashSet<>(prompt.stripped());
        stripped.addAll(negative.stripped());
        if (!stripped.isEmpty()) {
            audit.stripped(attempt, List.copyOf(stripped), prompt.text(), negative.text());
            if (prompt.strippedToNothing()) {
                throw new Rejection("🚫 Nothing is left of your prompt once this server's filter removed the words it "
                        + "does not allow. Please rephrase it.");
            }
            notices.add("✂️ This server's filter removed some words from your "
                    + (prompt.stripped().isEmpty() ? "negative prompt" : "prompt") + ".");
        }
        Set<FilterRuleRef> warned = new LinkedHashSet<>(prompt.warned());
        warned.addAll(negative.warned());
        if (!warned.isEmpty()) {
            audit.warned(attempt, List.copyOf(warned));
            notices.add("⚠️ Your prompt contains words this server's moderators asked to be told about; "
                    + "it was generated, and the moderators can see it.");
        }
        if (stripped.isEmpty()) {
            return request;
        }
        return request.toBuilder().prompt(prompt.text()).negativePrompt(negative.text()).build();
    }

    /**
     * Prompt editing ({@code [cat:nude:0.9]}, {@code nu[:de:0.5]}, {@code [a|b]}): the engine encodes each text of
     * the schedule, not the prompt as written, so each must pass on its own. A branch is not stripped (the member's
     * text has no such span): a STRIP match there refuses as a BLOCK would.
     */
    private void refuseIfABranchIsRefused(FilterAudit.Attempt attempt, String field, List<CompiledRule> rules,
                                          String text, int steps, int hiresSteps, Function<String, ParsedPrompt> parse) {
        for (String branch : PromptSchedules.texts(text, steps, hiresSteps)) {
            if (branch.equals(text)) {
                continue;
            }
            // each branch as typed and as the engine encodes it (attention syntax can hide a word inside a branch)
            Screening screening = EncodedPromptScreen.typedAndEncoded(rules, branch, parse);
            if (!screening.refused() && !screening.stripped().isEmpty()) {
                screening = new Screening(screening.text(), screening.stripped().get(0), null, null,
                        screening.stripped(), screening.warned());
            }
            refuseIfRefused(attempt, field, screening);
        }
    }

    private void refuseIfRefused(FilterAudit.Attempt attempt, String field, Screening screening) {
        if (!screening.refused()) {
            return;
        }
        audit.blocked(attempt, field, screening);
        if (screening.blockedBy() != null) {
            throw new Rejection("🚫 Your " + field + " was blocked by this server's filter ("
                    + screening.blockedBy().kind().category() + "). Please rephrase it.");
        }
        throw new Rejection("🚫 This server's filter could not check your " + field
                + " (one of its rules did not finish), so nothing was queued. Please rephrase it or tell a moderator.");
    }
}
