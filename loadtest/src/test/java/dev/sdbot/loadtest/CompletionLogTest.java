package dev.sdbot.loadtest;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CompletionLogTest {
    private static final long LEASE = 10_000;

    @Test
    void aJobThatRanToCompletionTwiceWithoutAFaultIsDuplicated() {
        CompletionLog.Counts counts = CompletionLog.count(List.of("7 100 1000", "8 100 1000", "7 200 9000"), new FaultLog(), LEASE);
        assertThat(counts).isEqualTo(new CompletionLog.Counts(1, 1));
    }

    @Test
    void aRunCutOffByTheSigkillOfItsProcessRightAfterIsOnlyReExecuted() {
        FaultLog faults = new FaultLog();
        faults.killed("worker soak-worker-0", 100, 1000 + CompletionLog.GRACE_MILLIS);
        CompletionLog.Counts counts = CompletionLog.count(List.of("7 100 1000", "7 200 20000"), faults, LEASE);
        assertThat(counts).isEqualTo(new CompletionLog.Counts(1, 0));
    }

    @Test
    void aKillOfAnotherProcessOrLongAfterExplainsNothing() {
        FaultLog faults = new FaultLog();
        faults.killed("worker soak-worker-1", 300, 1500);
        faults.killed("worker soak-worker-0", 100, 1001 + CompletionLog.GRACE_MILLIS);
        CompletionLog.Counts counts = CompletionLog.count(List.of("7 100 1000", "7 200 20000"), faults, LEASE);
        assertThat(counts.duplicated()).isEqualTo(1);
    }

    @Test
    void runsWhileTheDatabaseWasDownOrUntilALeaseAfterAreExplained() {
        FaultLog faults = new FaultLog();
        faults.outage(50_000, 55_000);
        CompletionLog.Counts counts = CompletionLog.count(List.of("7 100 54000", "7 200 70000",
                "8 100 55000", "8 100 " + (55_000 + LEASE + CompletionLog.GRACE_MILLIS + 1),
                "9 100 1000", "9 100 2000"), faults, LEASE);
        assertThat(counts).isEqualTo(new CompletionLog.Counts(3, 1)); // 9 had no fault at all
    }

    @Test
    void aLineCutShortBySigkillIsSkipped() {
        CompletionLog.Counts counts = CompletionLog.count(List.of("7 100 1000", "7 10"), new FaultLog(), LEASE);
        assertThat(counts).isEqualTo(new CompletionLog.Counts(0, 0));
    }
}
