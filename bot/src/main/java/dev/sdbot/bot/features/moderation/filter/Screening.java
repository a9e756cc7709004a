package dev.sdbot.bot.features.moderation.filter;

import java.util.List;

/**
 * What the filter made of one text.
 *
 * @param text      the text to use: the original, or what is left after STRIP rules removed their matches
 * @param blockedBy the BLOCK rule that matched, or null
 * @param failed    the rule that could not be checked (the text must then be refused), or null
 * @param failure   why {@code failed} could not be checked, or null
 * @param stripped  the STRIP rules whose matches were removed
 * @param warned    the WARN rules that matched
 */
public record Screening(String text, FilterRuleRef blockedBy, FilterRuleRef failed, String failure,
                        List<FilterRuleRef> stripped, List<FilterRuleRef> warned) {

    /** Whether the text must be refused: a BLOCK rule matched or a rule could not be checked. */
    public boolean refused() {
        return blockedBy != null || failed != null;
    }

    /** Whether STRIP rules left nothing but punctuation. */
    public boolean strippedToNothing() {
        return !stripped.isEmpty() && PromptText.of(text).words().isEmpty();
    }
}
