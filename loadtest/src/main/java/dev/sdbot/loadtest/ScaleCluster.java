package dev.sdbot.loadtest;

import dev.sdbot.scheduler.ShardRange;
import dev.sdbot.testkit.fake.FakeDiscord;
import dev.sdbot.testkit.s3.S3TestServer;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The processes of the scale simulation, all real {@code sdbot} child processes on one database and one S3 bucket:
 * {@code bots} × {@code sdbot start --no-worker --no-scheduler} with disjoint SDBOT_SHARDS ranges, {@code nodes} ×
 * {@code sdbot scheduler} (a Quartz cluster that elects the dispatcher) and {@code workers} × {@code sdbot worker}
 * with the test-pattern generator.
 */
final class ScaleCluster implements AutoCloseable {
    static final String BUCKET = "sdbot-scale";
    private static final Duration START_TIMEOUT = Duration.ofMinutes(5);

    /** A bot process and the shards it connects. */
    record Bot(ChildProcess process, ShardRange shards) {
    }

    final List<Bot> bots = new ArrayList<>();
    private final List<ChildProcess> nodes = new ArrayList<>();
    private final List<ChildProcess> workers = new ArrayList<>();

    ScaleCluster(ScalePlan plan, SoakDatabase database, FakeDiscord discord, URI s3, Path dir, ClusterOptions options) {
        Map<String, String> common = new HashMap<>(SoakCluster.environment(database, dir, dir.resolve("completions.log"),
                options.stepMillis, options.lease()));
        common.put(TestHooks.PREVIEWS, "true"); // the engine's 64x64 step previews, as the workers of `jobs wal`
        common.put("SDBOT_IMAGE_STORE", "s3");
        common.put("SDBOT_S3_ENDPOINT", s3.toString());
        common.put("SDBOT_S3_BUCKET", BUCKET);
        common.put("SDBOT_S3_PATH_STYLE", "true");
        common.put("AWS_ACCESS_KEY_ID", S3TestServer.ACCESS_KEY);
        common.put("AWS_SECRET_ACCESS_KEY", S3TestServer.SECRET_KEY);
        Path log = dir.resolve("processes.log");
        for (int i = 0; i < plan.bots(); i++) {
            ShardRange shards = plan.shardsOf(i);
            Map<String, String> env = SoakCluster.botEnvironment(common, discord);
            env.put("SDBOT_SHARDS", shards.toString());
            bots.add(new Bot(new ChildProcess("bot-" + i + " (shards " + shards + ")",
                    List.of("start", "--no-worker", "--no-scheduler"), env, "Connected to Discord", log), shards));
        }
        for (int i = 0; i < plan.nodes(); i++) {
            nodes.add(new ChildProcess("scheduler-" + i, List.of("scheduler"), common, "sdbot scheduler node", log));
        }
        for (int i = 0; i < plan.workers(); i++) {
            Map<String, String> env = new HashMap<>(common);
            String id = "scale-worker-" + i;
            env.put("SDBOT_WORKER_ID", id);
            env.put("SDBOT_WORKER_SLOTS", Integer.toString(options.slots));
            workers.add(new ChildProcess("worker " + id, List.of("worker"), env, "sdbot worker " + id + " running", log));
        }
    }

    /** Starts every process at once and waits until each is ready (the bots connected to the fake Discord). */
    void start() throws Exception {
        List<ChildProcess> all = new ArrayList<>();
        bots.forEach(b -> all.add(b.process()));
        all.addAll(nodes);
        all.addAll(workers);
        ChildProcess.startAll(all, START_TIMEOUT);
    }

    /** Stops every process at once (SIGTERM, then SIGKILL after a minute): one after another took seconds each. */
    @Override
    public void close() throws InterruptedException {
        List<ChildProcess> all = new ArrayList<>(workers);
        all.addAll(nodes);
        bots.forEach(b -> all.add(b.process()));
        List<Thread> stopping = new ArrayList<>();
        for (ChildProcess process : all) {
            Thread t = new Thread(() -> {
                try {
                    process.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "stop " + process.name);
            t.start();
            stopping.add(t);
        }
        for (Thread t : stopping) {
            t.join();
        }
    }
}
