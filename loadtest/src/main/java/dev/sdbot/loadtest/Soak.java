package dev.sdbot.loadtest;

import dev.sdbot.testkit.fake.FakeDiscord;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The soak test with faults: the cluster of {@link SoakCluster} on the soak's own database, members submitting through
 * the fake Discord while workers, the leader scheduler and the database are killed on a schedule, then a wait for every
 * job to reach an end state, and the {@link SoakReport}.
 */
public final class Soak {
    private final SoakPlan plan;
    private final Path dir;
    private final PrintWriter out;
    private final AtomicInteger failedFaults = new AtomicInteger();

    public Soak(SoakPlan plan, Path dir, PrintWriter out) {
        this.plan = plan;
        this.dir = dir;
        this.out = out;
    }

    /** Runs the soak; true when nothing was lost, duplicated or posted twice. */
    public boolean run() throws Exception {
        Path completionLog = dir.resolve("completions.log");
        FaultLog faults = new FaultLog();
        try (SoakDatabase database = SoakDatabase.start(dir.resolve("postgres"));
             FakeDiscord discord = FakeDiscord.start()) {
            database.migrate();
            SoakSubmitter submitter = new SoakSubmitter(plan, discord);
            try (SoakCluster cluster = new SoakCluster(plan, database, discord, dir, completionLog, faults, out)) {
                long setup = System.nanoTime();
                cluster.start();
                out.printf("setup           bot + 2 scheduler nodes + %d workers x %d slots started in %.0f s (logs: %s)%n",
                        SoakPlan.WORKERS, plan.slots(), (System.nanoTime() - setup) / 1e9, dir.resolve("processes.log"));
                long seconds = plan.submissionTime().toSeconds();
                out.printf("plan            %d jobs at %.1f/s (%d s), worker SIGKILL every %d s, leader SIGKILL at %d s, "
                                + "bot SIGKILL at %d s, database down %d s at %d s, worker clock %+d s%n", plan.jobs(), plan.rate(),
                        seconds, plan.workerKillEvery().toSeconds(), seconds / 3, seconds / 2, plan.databaseOutage().toSeconds(),
                        seconds * 2 / 3, plan.clockSkew().toSeconds());
                out.flush();
                submitUnderFaults(cluster, submitter);
                cluster.awaitRestarts();
                out.println("submitted       waiting for every job to reach an end state");
                out.flush();
                submitter.settle(SoakSubmitter.RETRY_AFTER.multipliedBy(3));
                awaitEndStates(database);
                SoakReport report = SoakReport.collect(database, discord, submitter.submissions, completionLog, faults,
                        plan.lease().toMillis(), submitter.retries());
                out.println("faults          " + faults.describe());
                report.print(out);
                if (failedFaults.get() > 0) {
                    out.println("faults failed " + failedFaults.get() + " (see above)");
                }
                return report.passed() && failedFaults.get() == 0;
            }
        }
    }

    /** Submits every job while the faults come on schedule; the one-off faults happen even if submitting ends first. */
    private void submitUnderFaults(SoakCluster cluster, SoakSubmitter submitter) throws InterruptedException {
        ScheduledExecutorService workerKills = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "soak-kills"));
        ScheduledExecutorService leaderAndDatabase = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "soak-faults"));
        try {
            long every = plan.workerKillEvery().toMillis();
            long total = plan.submissionTime().toMillis();
            workerKills.scheduleAtFixedRate(() -> fault(cluster::killWorker), every, every, TimeUnit.MILLISECONDS);
            leaderAndDatabase.schedule(() -> fault(cluster::killLeader), total / 3, TimeUnit.MILLISECONDS);
            leaderAndDatabase.schedule(() -> fault(cluster::killBot), total / 2, TimeUnit.MILLISECONDS);
            leaderAndDatabase.schedule(() -> fault(cluster::restartDatabase), total * 2 / 3, TimeUnit.MILLISECONDS);
            submitter.run();
        } finally {
            workerKills.shutdown(); // cancels the next kills; one under way finishes
            leaderAndDatabase.shutdown(); // lets the scheduled ones run
            workerKills.awaitTermination(1, TimeUnit.MINUTES);
            leaderAndDatabase.awaitTermination(5, TimeUnit.MINUTES);
        }
    }

    private interface Fault {
        void inject() throws Exception;
    }

    private void fault(Fault fault) {
        try {
            fault.inject();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            failedFaults.incrementAndGet();
            out.println("fault failed: " + e.getMessage());
            out.flush();
        }
    }

    /** Waits until no job is outside an end state, or the plan's drain timeout. */
    private void awaitEndStates(SoakDatabase database) throws InterruptedException {
        long deadline = System.nanoTime() + plan.drainTimeout().toNanos();
        String endStates = "'" + String.join("','", SoakReport.END_STATES) + "'";
        long open = -1;
        while (System.nanoTime() < deadline) {
            try (Connection c = database.connect(); Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT count(*) FROM jobs WHERE state NOT IN (" + endStates + ")")) {
                rs.next();
                open = rs.getLong(1);
                if (open == 0) {
                    return;
                }
            } catch (java.sql.SQLException e) {
                out.println("waiting: " + e.getMessage());
            }
            Thread.sleep(1000);
        }
        out.println("timed out with " + open + " job(s) not in an end state");
    }

}
