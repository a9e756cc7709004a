package dev.sdbot.bot.features.moderation.filter;

/** How a filter rule's pattern is read (the {@code kind} column of {@code filter_rules}). */
public enum RuleKind {
    /** A word or phrase, matched through {@link PromptText} normalisation and common evasions. */
    PHRASE("word", "blocked words"),
    /** A Java regular expression, matched against the original and the canonical prompt, time-bounded. */
    REGEX("regex", "blocked patterns");

    private final String label;
    private final String category;

    RuleKind(String label, String category) {
        this.label = label;
        this.category = category;
    }

    public String label() {
        return label;
    }

    /** What the member is told blocked their prompt (never the rule itself). */
    public String category() {
        return category;
    }
}
