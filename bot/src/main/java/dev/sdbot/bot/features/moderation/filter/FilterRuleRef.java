package dev.sdbot.bot.features.moderation.filter;

/**
 * A rule as the filter applies it.
 *
 * @param id the {@code filter_rules} id, or null for an entry of the built-in default list
 */
public record FilterRuleRef(Long id, RuleKind kind, String pattern, FilterAction action) {

    public boolean builtIn() {
        return id == null;
    }

    /** How moderators see the rule, e.g. "#12 word `banana` → block" or "default list `nude` → block". */
    public String describe() {
        return (builtIn() ? "default list" : "#" + id + " " + kind.label()) + " `" + pattern.replace("`", "ˋ")
                + "` → " + action.label();
    }
}
