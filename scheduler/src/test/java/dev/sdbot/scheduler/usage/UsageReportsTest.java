package dev.sdbot.scheduler.usage;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.scheduler.JobOrigin;
import dev.sdbot.scheduler.JobService;
import dev.sdbot.scheduler.JobState;
import dev.sdbot.scheduler.JobSubmission;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Usage reports and exports against the real ledger of jobs run by a worker, with a second guild beside. */
@ExtendWith(EmbeddedPostgresExtension.class)
class UsageReportsTest {
    private static final long GUILD_A = 501;
    private static final long GUILD_B = 502;
    private static final String OTHER_MODEL = "other-model";

    @Test
    void reportsAndExportsAddUpTheLedgerOfTheirGuildOnly(TestDatabase db) throws Exception {
        db.update("TRUNCATE jobs, workers, usage_counters, quota_rules CASCADE");
        try (JobSystem system = new JobSystem(db)) {
            system.startNode();
            system.startWorker("worker-a", 2, new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL, OTHER_MODEL),
                    Duration.ofMillis(5)));
            JobService jobs = system.jobs();
            List<Long> ids = new ArrayList<>();
            ids.add(jobs.submit(submission(GUILD_A, 1, TestPatternGenerator.MODEL, 1)));
            ids.add(jobs.submit(submission(GUILD_A, 1, TestPatternGenerator.MODEL, 2)));
            ids.add(jobs.submit(submission(GUILD_A, 2, TestPatternGenerator.MODEL, 3)));
            ids.add(jobs.submit(submission(GUILD_B, 3, OTHER_MODEL, 4)));
            ids.add(jobs.submit(submission(GUILD_B, 1, OTHER_MODEL, 1)));
            await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream()
                    .allMatch(id -> jobs.find(id).orElseThrow().state() == JobState.SUCCEEDED));
            // an older attempt of guild A, 10 days ago: in the 30-day window, not in the 7-day one
            db.update("INSERT INTO usage_ledger (job_id, attempt, guild_id, user_id, worker_id, outcome, images, gpu_ms,"
                    + " usage_day, recorded_at) VALUES (?, 1, ?, 2, NULL, 'FAILED', 0, 777, current_date - 10,"
                    + " now() - interval '10 days')", ids.get(0), GUILD_A);

            UsageReports reports = new UsageReports(db.dataSource());
            UsageReport a = reports.report(GUILD_A, null, 30);
            assertThat(a.windowTotals().images()).isEqualTo(6).isEqualTo(sum(db, "images", GUILD_A, 30));
            assertThat(a.windowTotals().gpuMillis()).isEqualTo(sum(db, "gpu_ms", GUILD_A, 30));
            assertThat(a.windowTotals().attempts()).isEqualTo(4);
            assertThat(a.weekTotals().gpuMillis()).isEqualTo(sum(db, "gpu_ms", GUILD_A, 7));
            assertThat(a.todayTotals().images()).isEqualTo(6);
            assertThat(a.daily()).hasSize(30);
            assertThat(a.daily().get(29).day()).isEqualTo(LocalDate.now(ZoneOffset.UTC));
            assertThat(a.daily().get(29).images()).isEqualTo(6);
            assertThat(a.daily().get(19).gpuMillis()).isEqualTo(777);
            assertThat(a.daily().stream().mapToLong(UsageReport.Day::gpuMillis).sum()).isEqualTo(a.windowTotals().gpuMillis());
            assertThat(a.topMembers()).extracting(UsageReport.MemberShare::userId).containsExactlyInAnyOrder(1L, 2L);
            assertThat(a.perModel()).extracting(UsageReport.Share::name).containsExactly(TestPatternGenerator.MODEL);
            assertThat(a.perWorker()).extracting(UsageReport.Share::name).containsExactlyInAnyOrder("worker-a", "none");
            assertThat(a.queue().queued()).isZero();
            assertThat(a.queue().waitSamples()).isEqualTo(3);
            assertThat(a.queue().p90Wait()).isGreaterThanOrEqualTo(a.queue().medianWait());

            assertThat(reports.report(GUILD_A, null, 7).windowTotals().gpuMillis()).isEqualTo(sum(db, "gpu_ms", GUILD_A, 7));
            UsageReport member = reports.report(GUILD_A, 1L, 30);
            assertThat(member.windowTotals().images()).isEqualTo(3);
            assertThat(member.topMembers()).extracting(UsageReport.MemberShare::userId).containsExactly(1L);
            assertThat(member.queue().waitSamples()).isEqualTo(2);

            UsageReport b = reports.report(GUILD_B, null, 30);
            assertThat(b.windowTotals().images()).isEqualTo(5);
            assertThat(b.perModel()).extracting(UsageReport.Share::name).containsExactly(OTHER_MODEL);
            assertThat(b.topMembers()).extracting(UsageReport.MemberShare::userId).containsExactlyInAnyOrder(3L, 1L);
            assertThat(reports.report(GUILD_B, 2L, 30).windowTotals().attempts()).as("member 2 never used guild B").isZero();

            List<LedgerEntry> exported = reports.ledger(GUILD_A, 30);
            assertThat(exported).hasSize(4);
            assertThat(exported).extracting(LedgerEntry::jobId).doesNotContain(ids.get(3), ids.get(4));
            assertThat(exported.get(0).outcome()).isEqualTo("FAILED");
            assertThat(exported.get(0).workerId()).isNull();
            assertThat(exported).extracting(LedgerEntry::model).containsOnly(TestPatternGenerator.MODEL);
            assertThat(reports.ledger(GUILD_A, 7)).hasSize(3);
            assertThat(reports.ledger(GUILD_B, 90)).extracting(LedgerEntry::jobId).containsExactlyInAnyOrder(ids.get(3), ids.get(4));

            assertThatThrownBy(() -> reports.report(GUILD_A, null, 0)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> reports.ledger(GUILD_A, 91)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    private static long sum(TestDatabase db, String column, long guild, int days) {
        return db.queryLong("SELECT COALESCE(sum(" + column + "), 0) FROM usage_ledger WHERE guild_id = ?"
                + " AND usage_day > current_date - ?", guild, days);
    }

    private static JobSubmission submission(long guild, long user, String model, int count) {
        GenerationRequest r = JobSystem.request("usage", 3);
        return new JobSubmission(new GenerationRequest(r.prompt(), r.negativePrompt(), model, r.sampler(), r.steps(),
                r.cfgScale(), r.width(), r.height(), r.seed(), count, null, r.strength(), null, r.clipSkip()),
                JobOrigin.cli(guild, user), List.of(), 0);
    }
}
