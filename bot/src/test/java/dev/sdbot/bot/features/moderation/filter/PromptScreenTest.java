package dev.sdbot.bot.features.moderation.filter;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** STRIP, WARN and REGEX rules, and failing closed. */
class PromptScreenTest {
    private static CompiledRule phrase(long id, String pattern, FilterAction action) {
        return GuildFilters.compile(new FilterRuleRef(id, RuleKind.PHRASE, pattern, action));
    }

    private static CompiledRule regex(long id, String pattern, FilterAction action) {
        return GuildFilters.compile(new FilterRuleRef(id, RuleKind.REGEX, pattern, action));
    }

    @Test
    void stripRemovesTheMatchedWordsEvasionsIncludedAndTidiesTheRest() {
        Screening s = PromptScreen.screen(List.of(phrase(1, "banana", FilterAction.STRIP)),
                "a b.a.n.a.n.a, a cat and BANANAS on a table");
        assertThat(s.refused()).isFalse();
        assertThat(s.text()).isEqualTo("a, a cat and on a table");
        assertThat(s.stripped()).extracting(FilterRuleRef::id).containsExactly(1L);
        assertThat(s.strippedToNothing()).isFalse();
    }

    @Test
    void lettersBroughtTogetherByStrippingAreScreenedAgain() {
        Screening s = PromptScreen.screen(List.of(phrase(1, "zebra", FilterAction.STRIP),
                phrase(2, "banana", FilterAction.BLOCK)), "b a n zebra a n a");
        assertThat(s.blockedBy()).extracting(FilterRuleRef::id).isEqualTo(2L);
    }

    @Test
    void strippingEverythingLeavesNothing() {
        Screening s = PromptScreen.screen(List.of(phrase(1, "banana", FilterAction.STRIP)), "banana, b a n a n a!");
        assertThat(s.strippedToNothing()).isTrue();
    }

    @Test
    void warnLetsThePromptThroughUnchanged() {
        Screening s = PromptScreen.screen(List.of(phrase(3, "clown", FilterAction.WARN)), "a CL0WN at a party");
        assertThat(s.refused()).isFalse();
        assertThat(s.text()).isEqualTo("a CL0WN at a party");
        assertThat(s.warned()).extracting(FilterRuleRef::id).containsExactly(3L);
    }

    @Test
    void blockWinsOverStripAndWarn() {
        Screening s = PromptScreen.screen(List.of(phrase(1, "clown", FilterAction.WARN),
                phrase(2, "cat", FilterAction.STRIP), phrase(3, "party", FilterAction.BLOCK)), "a clown cat party");
        assertThat(s.blockedBy().id()).isEqualTo(3L);
    }

    @Test
    void regexSeesTheOriginalAndTheCanonicalText() {
        CompiledRule rule = regex(4, "gr[a@]ss?hopper", FilterAction.BLOCK);
        assertThat(PromptScreen.screen(List.of(rule), "a GRASSHOPPER").blockedBy()).isNotNull();
        assertThat(PromptScreen.screen(List.of(rule), "a gr\u200Bass\u200Chopper").blockedBy()).as("zero-width").isNotNull();
        assertThat(PromptScreen.screen(List.of(rule), "a ｇｒáｓｓｈｏｐｐｅｒ").blockedBy()).as("full-width, accent").isNotNull();
        assertThat(PromptScreen.screen(List.of(rule), "a grasshop").blockedBy()).isNull();
    }

    @Test
    void regexStripRemovesWhatMatchedInTheCanonicalText() {
        Screening s = PromptScreen.screen(List.of(regex(5, "hop+er", FilterAction.STRIP)), "a ｈｏｐｐｅｒ and a cat");
        assertThat(s.text()).isEqualTo("a and a cat");
    }

    @ParameterizedTest
    @ValueSource(strings = {"((a+)+)+b", "(.*a){25}"})
    void aHostileRegexIsStoppedWithinItsTimeBoundAndBlocks(String pattern) {
        CompiledRule hostile = regex(6, pattern, FilterAction.WARN);
        String prompt = "a".repeat(30) + "x".repeat(30) + "!";
        long start = System.nanoTime();
        Screening s = PromptScreen.screen(List.of(hostile), prompt);
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).isLessThan(Duration.ofSeconds(1));
        assertThat(s.refused()).as("fails closed even for a WARN rule").isTrue();
        assertThat(s.failed().id()).isEqualTo(6L);
        assertThat(s.failure()).contains("took longer than 50 ms");
    }

    @Test
    void nestedQuantifiersThatJavaMemoisesFinishInTime() {
        long start = System.nanoTime();
        Screening s = PromptScreen.screen(List.of(regex(8, "(a+)+$", FilterAction.BLOCK)), "a".repeat(30) + "!");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        // the original ends in '!', so only the canonical text (punctuation gone) matches
        assertThat(s.blockedBy()).isNotNull();
    }

    @Test
    void aStoredRegexThatNoLongerCompilesFailsClosed() {
        Screening s = PromptScreen.screen(List.of(regex(7, "(unclosed", FilterAction.BLOCK)), "anything at all");
        assertThat(s.refused()).isTrue();
        assertThat(s.failure()).contains("not valid");
    }

    @Test
    void theDeadlineStopsReadsOnceItPassed() {
        DeadlineCharSequence text = new DeadlineCharSequence("abc", System.nanoTime() - 1);
        assertThatThrownBy(() -> text.charAt(0)).isInstanceOf(DeadlineCharSequence.TimedOut.class);
        assertThat(new DeadlineCharSequence("abc", System.nanoTime() + Duration.ofSeconds(5).toNanos()).charAt(1)).isEqualTo('b');
    }

    @Test
    void phraseKeysTreatCaseAccentsSpacingAndLeetAsTheSameRule() {
        assertThat(PhraseRule.key("Blood  Bath")).isEqualTo(PhraseRule.key("bl00d bäth"));
        assertThat(PhraseRule.key("banana")).isNotEqualTo(PhraseRule.key("bananas"));
    }

    @Test
    void theDefaultListLoadsAndBlocksExplicitTermsButNotInnocentOnes() {
        DefaultWordList defaults = DefaultWordList.load();
        assertThat(defaults.size()).isBetween(30, 200);
        assertThat(PromptScreen.screen(defaults.rules(), "p 0 r n").blockedBy()).isNotNull();
        Screening innocent = PromptScreen.screen(defaults.rules(), "a n00dle soup, essex countryside, a therapist, grapes");
        assertThat(innocent.refused()).as("%s %s %s", innocent.blockedBy(), innocent.failed(), innocent.failure()).isFalse();
    }

    @Test
    void longRunsOfSingleLettersStayCheap() {
        List<CompiledRule> rules = DefaultWordList.load().rules();
        for (String prompt : List.of("a ".repeat(750), "s ".repeat(750), "b a ".repeat(375), "1 ".repeat(750))) {
            long start = ScreeningBudget.cpuNanos(); // processor time: a loaded test machine must not fail it
            PromptScreen.screen(rules, prompt);
            assertThat(Duration.ofNanos(ScreeningBudget.cpuNanos() - start)).as(prompt.substring(0, 4)).isLessThan(Duration.ofSeconds(1));
        }
    }
}
