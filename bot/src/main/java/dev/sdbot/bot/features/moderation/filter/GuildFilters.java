package dev.sdbot.bot.features.moderation.filter;

import dev.sdbot.db.entity.FilterRule;
import dev.sdbot.db.store.FilterRuleStore;
import dev.sdbot.db.store.GuildSettingsStore;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The rules that apply in a guild, read fresh from the database on every submit (a rule added a moment ago
 * applies to the next button press): the guild's own rules, then the default list if the guild switched it on.
 */
public final class GuildFilters {
    private final FilterRuleStore store;
    private final GuildSettingsStore guildSettings;
    private final DefaultWordList defaults;
    private final Clock clock;

    public GuildFilters(FilterRuleStore store, GuildSettingsStore guildSettings, DefaultWordList defaults, Clock clock) {
        this.store = store;
        this.guildSettings = guildSettings;
        this.defaults = defaults;
        this.clock = clock;
    }

    /**
     * The guild's rules for one submit: they share one {@link ScreeningBudget}, started now, so everything the
     * submit screens (prompt, negative prompt, every pass) fits in it together. Call once per submit.
     */
    public List<CompiledRule> rulesFor(long guildId) {
        List<CompiledRule> rules = new ArrayList<>();
        for (FilterRule stored : store.ofGuild(guildId)) {
            rules.add(compile(ref(stored)));
        }
        if (defaultsEnabled(guildId)) {
            rules.addAll(defaults.rules());
        }
        return forOneSubmit(rules);
    }

    /** The rules bound to one new budget. */
    public static List<CompiledRule> forOneSubmit(List<CompiledRule> rules) {
        ScreeningBudget budget = ScreeningBudget.start();
        return rules.stream().map(r -> r.within(budget)).toList();
    }

    public boolean defaultsEnabled(long guildId) {
        return guildSettings.get(guildId, clock.instant()).isDefaultFiltersEnabled();
    }

    public DefaultWordList defaults() {
        return defaults;
    }

    public static FilterRuleRef ref(FilterRule stored) {
        return new FilterRuleRef(stored.getId(), RuleKind.valueOf(stored.getKind()), stored.getPattern(),
                FilterAction.valueOf(stored.getAction()));
    }

    /** A rule that no longer compiles (written outside the bot) cannot clear anything: it fails closed. */
    static CompiledRule compile(FilterRuleRef rule) {
        try {
            return rule.kind() == RuleKind.REGEX ? new RegexRule(rule) : new PhraseRule(rule);
        } catch (IllegalArgumentException e) { // PatternSyntaxException included
            return new CompiledRule() {
                @Override
                public FilterRuleRef rule() {
                    return rule;
                }

                @Override
                public List<Span> find(PromptText text, ScreeningBudget budget) {
                    throw new RuleCheckFailedException("rule #" + rule.id() + " is not valid: " + e.getMessage());
                }
            };
        }
    }
}
