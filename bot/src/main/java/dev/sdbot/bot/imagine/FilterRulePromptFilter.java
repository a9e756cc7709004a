package dev.sdbot.bot.imagine;

import dev.sdbot.db.entity.FilterRule;
import dev.sdbot.db.store.FilterRuleStore;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Blocks prompts matching the guild's {@code filter_rules} with action BLOCK: WORD rules match whole
 * words case-insensitively, REGEX rules anywhere. The category shown is the rule kind.
 */
public final class FilterRulePromptFilter implements PromptFilter {
    private final FilterRuleStore rules;

    public FilterRulePromptFilter(FilterRuleStore rules) {
        this.rules = rules;
    }

    @Override
    public Optional<String> blockedCategory(long guildId, String prompt, String negativePrompt) {
        for (FilterRule rule : rules.ofGuild(guildId)) {
            if ("BLOCK".equals(rule.getAction()) && matches(rule, prompt)) {
                return Optional.of(rule.getKind().equals("PHRASE") ? "blocked words" : "blocked patterns");
            }
        }
        return Optional.empty();
    }

    private static boolean matches(FilterRule rule, String prompt) {
        try {
            Pattern pattern = rule.getKind().equals("PHRASE")
                    ? Pattern.compile("\\b" + Pattern.quote(rule.getPattern().toLowerCase(Locale.ROOT)) + "\\b",
                    Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)
                    : Pattern.compile(rule.getPattern(), Pattern.CASE_INSENSITIVE);
            return pattern.matcher(prompt).find();
        } catch (PatternSyntaxException e) {
            return false;
        }
    }
}
