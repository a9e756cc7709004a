package dev.sdbot.scheduler.worker;

import dev.sdbot.inference.api.GenerationResult;
import dev.sdbot.scheduler.images.ImageKeys;
import dev.sdbot.scheduler.images.ImageStore;
import dev.sdbot.scheduler.store.AttemptStore;
import dev.sdbot.scheduler.store.AttemptStore.Finished;
import dev.sdbot.scheduler.store.ClaimedJob;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Stores a worker's finished jobs: first their images in the image store (by the job's own thread, under keys of the
 * job, attempt and index, so a retried write lands on the same objects), then all the results that are waiting in one
 * statement (group commit), which only records the keys: when
 * several slots finish together, they share one round trip, one commit and one NOTIFY signal instead of
 * queueing up for one each. A lone result is written at once. While the database is down the results are kept
 * and retried until it answers (only a shutdown abandons them): the attempt is not the worker's to give up.
 */
final class ResultWriter implements AutoCloseable {
    private static final int MAX_JOBS_PER_WRITE = 32;

    private record Pending(Finished finished, CompletableFuture<Boolean> stored) {
    }

    private final AttemptStore attempts;
    private final ImageStore images;
    private final String workerId;
    private final DatabaseRetry retry;
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile boolean open = true; // guarded by queue for writes
    /** Set when a stopping worker can wait no longer for the database. */
    private volatile boolean abandoned;

    ResultWriter(AttemptStore attempts, ImageStore images, String workerId, DatabaseRetry retry) {
        this.attempts = attempts;
        this.images = images;
        this.workerId = workerId;
        this.retry = retry;
        this.thread = new Thread(this::run, "sdbot-results-" + workerId);
        this.thread.setDaemon(true);
    }

    ResultWriter start() {
        thread.start();
        return this;
    }

    /**
     * Stores the result and waits for it; false when the job is no longer this attempt's (fenced off), and then its
     * images are deleted again, unless this attempt's result was recorded after all (a write whose commit was not
     * acknowledged, retried): those objects are the job's. A crash in between leaves them under the job's prefix,
     * which the retention purge clears.
     */
    boolean store(ClaimedJob job, GenerationResult result) {
        List<String> keys = new ArrayList<>();
        for (int i = 0; i < result.images().size(); i++) {
            String key = ImageKeys.result(job.id(), job.attempt(), i);
            images.put(key, result.images().get(i).png());
            keys.add(key);
        }
        boolean stored = write(job, result);
        if (!stored && !attempts.hasResults(job)) {
            images.delete(keys);
        }
        return stored;
    }

    private boolean write(ClaimedJob job, GenerationResult result) {
        Pending pending = new Pending(new Finished(job, result), new CompletableFuture<>());
        synchronized (queue) {
            if (!open) {
                throw new IllegalStateException("the worker is stopping; result of job " + job.id() + " not stored");
            }
            queue.add(pending);
        }
        return pending.stored().join();
    }

    private void run() {
        while (open || !queue.isEmpty()) {
            Pending first;
            try {
                first = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            if (first != null) {
                write(batchStartingWith(first));
            }
        }
    }

    private List<Pending> batchStartingWith(Pending first) {
        List<Pending> batch = new ArrayList<>(List.of(first));
        Pending next;
        while (batch.size() < MAX_JOBS_PER_WRITE && (next = queue.poll()) != null) {
            batch.add(next);
        }
        return batch;
    }

    private void write(List<Pending> batch) {
        try {
            List<Finished> finished = batch.stream().map(Pending::finished).toList();
            Set<Long> stored = retry.untilAnswered("store results of " + batch.size() + " job(s)",
                    () -> attempts.succeed(finished, workerId), () -> abandoned);
            batch.forEach(p -> p.stored().complete(stored.contains(p.finished().job().id())));
        } catch (RuntimeException e) {
            batch.forEach(p -> p.stored().completeExceptionally(e));
        }
    }

    /** Writes what is waiting, then stops; call after the job threads are done. */
    @Override
    public void close() {
        synchronized (queue) {
            open = false;
        }
        try {
            thread.join(30_000);
            abandoned = true;
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Pending left;
        while ((left = queue.poll()) != null) { // the writer never started, or gave up
            left.stored().completeExceptionally(new IllegalStateException("the worker stopped before storing the result"));
        }
    }
}
