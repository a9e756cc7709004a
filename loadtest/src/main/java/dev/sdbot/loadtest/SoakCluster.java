package dev.sdbot.loadtest;

import dev.sdbot.testkit.fake.FakeDiscord;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The processes under test: {@code sdbot start --no-worker} (the bot and scheduler node 1) connected to the fake
 * Discord, {@code sdbot scheduler} (node 2) and {@link SoakPlan#WORKERS} {@code sdbot worker}s with the test-pattern
 * generator, all on the soak's database; and the faults it injects into them.
 */
final class SoakCluster implements AutoCloseable {
    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);

    private final SoakPlan plan;
    private final SoakDatabase database;
    private final FaultLog faults;
    private final PrintWriter out;
    private final ChildProcess bot;
    private final ChildProcess scheduler;
    private final List<ChildProcess> workers = new ArrayList<>();
    private final ExecutorService restarting = Executors.newCachedThreadPool();
    private final List<Future<?>> restarts = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<ChildProcess, Future<?>> restartOf = new java.util.concurrent.ConcurrentHashMap<>();
    private int nextWorkerToKill;

    SoakCluster(SoakPlan plan, SoakDatabase database, FakeDiscord discord, Path dir, Path completionLog, FaultLog faults,
                PrintWriter out) {
        this.plan = plan;
        this.database = database;
        this.faults = faults;
        this.out = out;
        Map<String, String> common = environment(database, dir, completionLog, plan.stepMillis(), plan.lease());
        Path log = dir.resolve("processes.log");
        Map<String, String> botEnv = botEnvironment(common, discord);
        bot = new ChildProcess("bot", List.of("start", "--no-worker"), botEnv, "Connected to Discord", log);
        scheduler = new ChildProcess("scheduler", List.of("scheduler"), common, "sdbot scheduler node", log);
        for (int i = 0; i < SoakPlan.WORKERS; i++) {
            Map<String, String> env = new HashMap<>(common);
            String id = "soak-worker-" + i;
            env.put("SDBOT_WORKER_ID", id);
            env.put("SDBOT_WORKER_SLOTS", Integer.toString(plan.slots()));
            if (i == SoakPlan.WORKERS - 1 && !plan.clockSkew().isZero()) {
                env.put(TestHooks.CLOCK_OFFSET, Long.toString(plan.clockSkew().toMillis()));
            }
            workers.add(new ChildProcess("worker " + id, List.of("worker"), env, "sdbot worker " + id + " running", log));
        }
    }

    /** What every process of a cluster on this database gets: the database, the test-pattern generator, timings. */
    static Map<String, String> environment(SoakDatabase database, Path dir, Path completionLog, int stepMillis, Duration lease) {
        Map<String, String> common = new HashMap<>();
        common.put("DATABASE_URL", database.jdbcUrl());
        common.put("DATABASE_USER", "postgres");
        common.put("SDBOT_CONFIG", dir.resolve("none.yaml").toString());
        common.put("SDBOT_DATA_DIR", dir.resolve("data").toString());
        common.put("SDBOT_GENERATOR", "test-pattern");
        common.put("SDBOT_TEST_PATTERN_STEP_MS", Integer.toString(stepMillis));
        common.put(TestHooks.PATTERN_LOG, completionLog.toString());
        common.put("SDBOT_LEASE_SECONDS", Long.toString(lease.toSeconds()));
        common.put("SDBOT_HEARTBEAT_SECONDS", "1");
        common.put("SDBOT_DISPATCH_INTERVAL_MS", "500");
        return common;
    }

    /** {@code common} plus the fake Discord's token and addresses. */
    static Map<String, String> botEnvironment(Map<String, String> common, FakeDiscord discord) {
        Map<String, String> botEnv = new HashMap<>(common);
        botEnv.put("DISCORD_TOKEN", FakeDiscord.BOT_TOKEN);
        botEnv.put("SDBOT_DISCORD_API_URL", discord.apiBaseUrl());
        botEnv.put("SDBOT_DISCORD_GATEWAY_URL", discord.gatewayUrl());
        return botEnv;
    }

    /** Starts every process at once (the bot first: it must be connected before members type commands). */
    void start() throws Exception {
        List<ChildProcess> all = new ArrayList<>(List.of(bot, scheduler));
        all.addAll(workers);
        ChildProcess.startAll(all, START_TIMEOUT);
    }

    /**
     * SIGKILLs the next running worker (round robin) and starts it again under the same SDBOT_WORKER_ID, in the
     * background so that the next fault comes on time.
     */
    void killWorker() throws Exception {
        for (int tried = 0; tried < workers.size(); tried++) {
            ChildProcess worker = workers.get(nextWorkerToKill++ % workers.size());
            if (worker.isReady()) {
                restart(worker);
                return;
            }
        }
        out.println("fault: every worker is still starting; no worker killed this time");
    }

    /** SIGKILLs the scheduler node that holds the leader lease (the bot's process, or the other) and starts it again. */
    void killLeader() throws Exception {
        Optional<String> leader = leaderNode();
        ChildProcess victim = leader.filter(bot::ranNode).map(n -> bot)
                .or(() -> leader.filter(scheduler::ranNode).map(n -> scheduler)).orElse(null);
        if (victim == null) {
            out.println("fault: no scheduler node holds the leader lease (" + leader.orElse("none") + "); killing the scheduler");
            victim = scheduler;
        }
        restart(victim);
    }

    /** SIGKILLs the bot's process (a crash between a result being stored and posted) and starts it again. */
    void killBot() throws Exception {
        restart(bot);
    }

    private void restart(ChildProcess process) throws Exception {
        Future<?> previous = restartOf.get(process);
        if (previous != null) {
            previous.get(); // a process being started again is killed once it is up, never twice at once
        }
        long pid = process.kill();
        faults.killed(process.name, pid);
        out.printf("fault: SIGKILL %s (pid %d), starting it again%n", process.name, pid);
        out.flush();
        Future<?> restart = restarting.submit(() -> {
            process.start(START_TIMEOUT);
            return null;
        });
        restartOf.put(process, restart);
        restarts.add(restart);
    }

    /** Waits for the processes being started again; a failed start fails the soak. */
    void awaitRestarts() throws Exception {
        for (Future<?> f : restarts) {
            f.get();
        }
    }

    /** Stops the database for the plan's outage and starts it again on the same files and port. */
    void restartDatabase() throws InterruptedException {
        long from = System.currentTimeMillis();
        database.stop();
        out.printf("fault: database stopped for %d s%n", plan.databaseOutage().toSeconds());
        out.flush();
        Thread.sleep(plan.databaseOutage().toMillis());
        database.restart();
        faults.outage(from, System.currentTimeMillis());
    }

    private Optional<String> leaderNode() {
        try (Connection c = database.connect(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT node FROM scheduler_leader WHERE lease_expires_at > now()")) {
            return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        } catch (java.sql.SQLException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() throws InterruptedException {
        restarting.shutdownNow();
        restarting.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
        for (ChildProcess worker : workers) {
            worker.stop();
        }
        scheduler.stop();
        bot.stop();
    }
}
