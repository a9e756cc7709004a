package dev.sdbot.inference.text;

import dev.sdbot.inference.selftest.CheckResult;
import dev.sdbot.inference.selftest.ScheduleChecks;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PromptSchedulesTest {
    /** Made by generate_cases.py beside it from A1111's own parser. */
    static final Path CASES = Path.of("src/test/resources/prompt-schedules/a1111-schedules.json");

    @Test
    void everyA1111CaseGivesA1111sSchedule() {
        List<CheckResult> results = ScheduleChecks.cases(CASES);
        assertThat(results).hasSizeGreaterThan(600);
        assertThat(results.stream().filter(r -> !r.passed()).map(CheckResult::name).toList()).isEmpty();
    }

    @Test
    void theIssuesIdentities() {
        assertThat(PromptSchedules.schedule("[red:blue:100]", 3)).containsExactly(new PromptSchedules.Entry(3, "red"));
        assertThat(PromptSchedules.schedule("[red|blue]", 1)).containsExactly(new PromptSchedules.Entry(1, "red"));
        assertThat(PromptSchedules.schedule("a [b|c", 5)).containsExactly(new PromptSchedules.Entry(5, "a [b|c"));
    }

    /**
     * Where A1111's grammar is ambiguous its answer depends on the process (Lark picks by Python's string hashing, see
     * generate_cases.py): sdbot always reads the construct, which is one of A1111's answers.
     */
    @Test
    void anAmbiguousPromptIsReadAsTheConstruct() {
        assertThat(PromptSchedules.schedule("[a:1]:2]", 3))
                .containsExactly(new PromptSchedules.Entry(1, ":2]"), new PromptSchedules.Entry(3, "a:2]"));
    }

    @Test
    void aModelCallTakesTheFirstEntryEndingAtOrAfterIt() {
        List<PromptSchedules.Entry> s = PromptSchedules.schedule("[red:blue:2]", 4);
        assertThat(s).containsExactly(new PromptSchedules.Entry(2, "red"), new PromptSchedules.Entry(4, "blue"));
        assertThat(List.of(0, 1, 2, 3).stream().map(k -> PromptSchedules.textAt(s, k)).toList())
                .containsExactly("red", "red", "red", "blue");
    }

    @Test
    void everyBranchIsListedForTheFilter() {
        assertThat(PromptSchedules.texts("[cat:nude:0.9]", 20, 0)).containsExactly("cat", "nude");
        assertThat(PromptSchedules.texts("a [b|c|d]", 1, 0)).as("Heun's 2 calls of 1 step")
                .containsExactly("a b", "a c");
        assertThat(PromptSchedules.texts("a [b|c|d]", 1, 2)).containsExactly("a b", "a c", "a d");
        assertThat(PromptSchedules.texts("[x:y:25]", 20, 10)).containsExactly("x", "y");
    }
}
