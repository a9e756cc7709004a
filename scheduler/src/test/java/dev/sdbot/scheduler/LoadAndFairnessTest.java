package dev.sdbot.scheduler;

import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import dev.sdbot.inference.api.GenerationRequest;
import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.inference.api.ImageGenerator;
import dev.sdbot.inference.api.ProgressListener;
import dev.sdbot.scheduler.testing.JobSystem;
import dev.sdbot.scheduler.worker.TestPatternGenerator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** 1,000 jobs from 20 users through 2 scheduler nodes and 3 workers. */
@ExtendWith(EmbeddedPostgresExtension.class)
class LoadAndFairnessTest {
    private static final int WORKERS = 3;
    private static final int SLOTS = 4;

    /** Counts completed generations per (prompt, seed), i.e. per job. */
    private static final class Completions implements ImageGenerator {
        final TestPatternGenerator delegate = new TestPatternGenerator(Set.of(TestPatternGenerator.MODEL), Duration.ofMillis(2));
        final Map<String, AtomicInteger> completed = new ConcurrentHashMap<>();

        @Override
        public GenerationResult generate(GenerationRequest request, ProgressListener listener) throws dev.sdbot.inference.api.GenerationException {
            GenerationResult result = delegate.generate(request, listener);
            completed.computeIfAbsent(request.prompt() + "#" + request.seed(), k -> new AtomicInteger()).incrementAndGet();
            return result;
        }

        @Override
        public Set<String> availableModels() {
            return delegate.availableModels();
        }

        @Override
        public Set<String> loadedModels() {
            return delegate.loadedModels();
        }
    }

    @Test
    void thousandJobsSucceedExactlyOnceAndNoUserWaitsBehindAnotherUsersBacklog(TestDatabase db) throws Exception {
        Completions generator = new Completions();
        try (JobSystem system = new JobSystem(db)) {
            JobService jobs = system.jobs();
            system.startNode();
            system.startNode();
            for (int i = 0; i < WORKERS; i++) {
                system.startWorker("worker-" + i, SLOTS, generator);
            }
            // user 1 queues a big backlog first; 19 other users arrive after it
            List<Long> ids = new ArrayList<>(jobs.submitCopies(new JobSubmission(JobSystem.request("backlog", 2), JobOrigin.cli(5, 1)), 430));
            for (int user = 2; user <= 20; user++) {
                ids.addAll(jobs.submitCopies(new JobSubmission(JobSystem.request("user " + user, 2), JobOrigin.cli(5, user)), 30));
            }
            assertThat(ids).hasSize(1000).doesNotHaveDuplicates();

            await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(250))
                    .until(() -> db.queryLong("SELECT count(*) FROM jobs WHERE state = 'SUCCEEDED'") == 1000);

            assertThat(db.queryLong("SELECT count(*) FROM jobs WHERE attempt <> 1")).as("no job needed a second attempt").isZero();
            assertThat(db.queryLong("SELECT count(*) FROM job_results")).isEqualTo(1000);
            assertThat(db.queryLong("SELECT count(*) FROM usage_ledger WHERE outcome = 'SUCCEEDED'")).isEqualTo(1000);
            assertThat(db.queryLong("SELECT count(DISTINCT worker_id) FROM jobs")).isEqualTo(WORKERS);
            assertThat(generator.completed).hasSize(1000);
            assertThat(generator.completed.values()).allSatisfy(n -> assertThat(n.get()).as("completions of one job").isEqualTo(1));

            // Fairness: between a user's submit (committed, so after their last created_at) and the start of
            // their first job, only a few of the backlog's jobs may start (about a round of slots), not the rest of it.
            try (Connection c = db.dataSource().getConnection(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT u.user_id, (SELECT count(*) FROM jobs b WHERE b.user_id = 1"
                         + "   AND b.started_at > u.first_created AND b.started_at < u.first_started) AS overtaken,"
                         + " u.first_started < (SELECT max(started_at) FROM jobs WHERE user_id = 1) AS before_backlog_end"
                         + " FROM (SELECT user_id, max(created_at) AS first_created, min(started_at) AS first_started"
                         + "       FROM jobs WHERE user_id <> 1 GROUP BY user_id) u")) {
                int users = 0;
                while (rs.next()) {
                    users++;
                    assertThat(rs.getLong("overtaken")).as("backlog jobs started ahead of user %d's first job", rs.getLong(1))
                            .isLessThanOrEqualTo(3L * WORKERS * SLOTS);
                    assertThat(rs.getBoolean("before_backlog_end")).as("user %d served before the backlog ended", rs.getLong(1)).isTrue();
                }
                assertThat(users).isEqualTo(19);
            }
        }
    }
}
