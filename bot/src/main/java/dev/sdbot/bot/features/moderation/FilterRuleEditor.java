package dev.sdbot.bot.features.moderation;

import dev.sdbot.bot.discord.Rejection;
import dev.sdbot.bot.features.moderation.filter.FilterAction;
import dev.sdbot.bot.features.moderation.filter.FilterRuleRef;
import dev.sdbot.bot.features.moderation.filter.GuildFilters;
import dev.sdbot.bot.features.moderation.filter.PhraseRule;
import dev.sdbot.bot.features.moderation.filter.PromptText;
import dev.sdbot.bot.features.moderation.filter.RegexRule;
import dev.sdbot.bot.features.moderation.filter.RuleKind;
import dev.sdbot.db.entity.FilterRule;
import dev.sdbot.db.store.FilterRuleStore;
import dev.sdbot.db.store.GuildSettingsStore;
import org.hibernate.exception.ConstraintViolationException;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.regex.PatternSyntaxException;

/**
 * Moderators' changes to a guild's filter rules: validated first (nothing is written for bad input),
 * then stored and audited. Everything is scoped to the guild the moderator acts in.
 */
public final class FilterRuleEditor {
    public static final int MAX_PATTERN_LENGTH = 200;
    /** Rules a guild may have: each one runs on every submit (see {@link ScreeningBudget}). */
    public static final int MAX_RULES_PER_GUILD = 100;
    /** Words in a word/phrase rule: a longer phrase is no more useful and costs more per prompt. */
    public static final int MAX_PHRASE_WORDS = 10;

    private final FilterRuleStore store;
    private final GuildSettingsStore guildSettings;
    private final FilterAudit audit;
    private final Clock clock;

    public FilterRuleEditor(FilterRuleStore store, GuildSettingsStore guildSettings, FilterAudit audit, Clock clock) {
        this.store = store;
        this.guildSettings = guildSettings;
        this.audit = audit;
        this.clock = clock;
    }

    /** @throws Rejection if the pattern is blank, too long, a duplicate, an invalid regex, or the guild has too many rules */
    public FilterRuleRef add(long guildId, long moderatorId, String pattern, RuleKind kind, FilterAction action) {
        String trimmed = pattern == null ? "" : pattern.strip();
        if (trimmed.isEmpty()) {
            throw new Rejection("⚠️ The pattern is empty.");
        }
        if (trimmed.length() > MAX_PATTERN_LENGTH) {
            throw new Rejection("⚠️ The pattern is " + trimmed.length() + " characters long; at most "
                    + MAX_PATTERN_LENGTH + " are allowed.");
        }
        validate(trimmed, kind);
        List<FilterRule> existing = rules(guildId);
        Optional<FilterRule> duplicate = existing.stream().filter(r -> sameRule(r, trimmed, kind)).findFirst();
        if (duplicate.isPresent()) {
            throw new Rejection("⚠️ Rule #" + duplicate.get().getId() + " already filters `" + duplicate.get().getPattern()
                    + "`; remove it first to change its action.");
        }
        if (existing.size() >= MAX_RULES_PER_GUILD) {
            throw new Rejection("⚠️ This server already has " + existing.size() + " filter rules, the most it may have ("
                    + MAX_RULES_PER_GUILD + "): every rule runs on every prompt. Remove one first (`/mod filter list`), "
                    + "or join words into one regex rule.");
        }
        FilterRule stored;
        try {
            stored = store.add(new FilterRule(guildId, kind.name(), trimmed, action.name(), moderatorId, clock.instant()));
        } catch (ConstraintViolationException e) {
            throw new Rejection("⚠️ That rule was just added by someone else.");
        }
        FilterRuleRef rule = GuildFilters.ref(stored);
        audit.ruleAdded(guildId, moderatorId, rule);
        return rule;
    }

    /** @return the removed rule, or empty if this guild has no rule with that id */
    public Optional<FilterRuleRef> remove(long guildId, long moderatorId, long ruleId) {
        Optional<FilterRule> rule = rules(guildId).stream().filter(r -> r.getId() == ruleId).findFirst();
        if (rule.isEmpty() || !store.remove(guildId, ruleId)) {
            return Optional.empty();
        }
        FilterRuleRef removed = GuildFilters.ref(rule.get());
        audit.ruleRemoved(guildId, moderatorId, removed);
        return Optional.of(removed);
    }

    public void setDefaultsEnabled(long guildId, long moderatorId, boolean enabled) {
        guildSettings.update(guildId, clock.instant(), s -> s.setDefaultFiltersEnabled(enabled, clock.instant()));
        audit.defaultsChanged(guildId, moderatorId, enabled);
    }

    public List<FilterRule> rules(long guildId) {
        return store.ofGuild(guildId);
    }

    private static void validate(String pattern, RuleKind kind) {
        if (kind == RuleKind.PHRASE) {
            int words = PromptText.of(pattern).words().size();
            if (words == 0) {
                throw new Rejection("⚠️ A word rule needs at least one letter or digit; use `regex:true` for symbols.");
            }
            if (words > MAX_PHRASE_WORDS) {
                throw new Rejection("⚠️ That phrase has " + words + " words; a word rule may have at most "
                        + MAX_PHRASE_WORDS + ". Filter its most telling words instead.");
            }
            return;
        }
        try {
            if (RegexRule.compile(pattern).matcher("").find()) {
                throw new Rejection("⚠️ The regex `" + pattern + "` matches an empty prompt, so it would match everything.");
            }
        } catch (PatternSyntaxException e) {
            throw new Rejection("⚠️ That regex is not valid: " + e.getDescription()
                    + (e.getIndex() >= 0 ? " at position " + (e.getIndex() + 1) : "") + ".\n```\n" + e.getPattern()
                    + (e.getIndex() >= 0 ? "\n" + " ".repeat(e.getIndex()) + "^" : "") + "\n```");
        }
    }

    private static boolean sameRule(FilterRule existing, String pattern, RuleKind kind) {
        if (!existing.getKind().equals(kind.name())) {
            return false;
        }
        return kind == RuleKind.REGEX ? existing.getPattern().equals(pattern)
                : PhraseRule.key(existing.getPattern()).equals(PhraseRule.key(pattern));
    }
}
