package dev.sdbot.bot.features.moderation.filter;

import java.util.List;

/** A rule ready to run against prompts. */
public interface CompiledRule {

    FilterRuleRef rule();

    /**
     * @param budget what is left of the submit's screening time; the rule stops when it is spent
     * @return the parts of the original text the rule matches, empty if none
     * @throws RuleCheckFailedException when the rule cannot tell, the budget included (the caller must fail closed)
     */
    List<Span> find(PromptText text, ScreeningBudget budget);

    /** {@link #find(PromptText, ScreeningBudget)} with a budget of its own. */
    default List<Span> find(PromptText text) {
        return find(text, ScreeningBudget.start());
    }

    /** This rule checked against {@code budget} whatever budget its caller passes: one submit's rules share one. */
    default CompiledRule within(ScreeningBudget budget) {
        CompiledRule rule = this;
        return new CompiledRule() {
            @Override
            public FilterRuleRef rule() {
                return rule.rule();
            }

            @Override
            public List<Span> find(PromptText text, ScreeningBudget ignored) {
                return rule.find(text, budget);
            }

            @Override
            public List<Span> find(PromptText text) {
                return rule.find(text, budget);
            }
        };
    }
}
