package dev.sdbot.bot.features.moderation.filter;

import java.util.List;

/** A rule ready to run against prompts. */
public interface CompiledRule {

    FilterRuleRef rule();

    /**
     * @return the parts of the original text the rule matches, empty if none
     * @throws RuleCheckFailedException when the rule cannot tell (the caller must fail closed)
     */
    List<Span> find(PromptText text);
}
