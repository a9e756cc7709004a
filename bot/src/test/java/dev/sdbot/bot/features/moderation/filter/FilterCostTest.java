package dev.sdbot.bot.features.moderation.filter;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

/** What one submit's screening may cost, whatever rules a guild's moderators wrote. */
class FilterCostTest {
    /** The longest prompt /imagine accepts, all single letters: each one starts a run a phrase of "a"s can match. */
    private static final String LETTERS = "a ".repeat(750).strip();
    /** Generous against a loaded machine, far below what the old backtracking took (minutes for 4 words). */
    private static final Duration AT_MOST = Duration.ofSeconds(5);

    private static CompiledRule rule(long id, RuleKind kind, String pattern) {
        return GuildFilters.compile(new FilterRuleRef(id, kind, pattern, FilterAction.BLOCK));
    }

    @Test
    void aPhraseOfManyOneLetterWordsIsMatchedInLinearTimeAndStillMatches() {
        // failed before: the search tried every split of the run of letters among the words (27.8 s for "a a b")
        CompiledRule hostile = rule(1, RuleKind.PHRASE, "a a a a a a a a a b");
        Screening passed = assertTimeoutPreemptively(AT_MOST,
                () -> PromptScreen.screen(GuildFilters.forOneSubmit(List.of(hostile)), LETTERS));
        assertThat(passed.refused()).as("a prompt without b is clean, not refused for lack of time: %s", passed.failure())
                .isFalse();

        Screening blocked = assertTimeoutPreemptively(AT_MOST,
                () -> PromptScreen.screen(GuildFilters.forOneSubmit(List.of(hostile)), LETTERS + " b"));
        assertThat(blocked.blockedBy()).extracting(FilterRuleRef::id).isEqualTo(1L);
    }

    @Test
    void aRuleSetSlowerThanTheBudgetFailsClosedWithinIt() {
        // failed before: each regex had 50 ms of its own per text and pass, so 100 of them took 100 × as long
        List<CompiledRule> rules = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            rules.add(rule(i + 1, RuleKind.REGEX, "a.*b" + i)); // a few ms each on the long prompt
        }
        long start = ScreeningBudget.cpuNanos();
        Screening screening = PromptScreen.screen(GuildFilters.forOneSubmit(rules), LETTERS);
        Duration took = Duration.ofNanos(ScreeningBudget.cpuNanos() - start);

        assertThat(screening.refused()).isTrue();
        assertThat(screening.failure()).containsAnyOf("ran out", "took longer than");
        // the budget, plus at most one regex's own wall-clock limit of processor time beyond it
        assertThat(took).isLessThan(ScreeningBudget.PER_SUBMIT.plus(RegexRule.TIME_LIMIT).plusMillis(50));
    }

    @Test
    void oneSubmitsRulesShareOneBudgetAcrossTexts() {
        List<CompiledRule> submit = GuildFilters.forOneSubmit(List.of(rule(1, RuleKind.REGEX, "a.*a.*a.*b")));
        long start = ScreeningBudget.cpuNanos();
        while (ScreeningBudget.cpuNanos() - start < ScreeningBudget.PER_SUBMIT.toNanos()) {
            PromptScreen.screen(submit, LETTERS); // spends the budget
        }
        Screening negative = PromptScreen.screen(submit, "blurry");
        assertThat(negative.refused()).as("the negative prompt gets what the prompt left, here nothing").isTrue();
    }
}
