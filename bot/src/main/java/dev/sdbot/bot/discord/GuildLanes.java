package dev.sdbot.bot.discord;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * Each guild's share of the threads every guild's submits use: at most {@link #PER_GUILD} tasks of one guild run at a
 * time; the guild's further tasks wait in its own lane, off the shared queue, and start as its running ones finish.
 * A guild that floods submits (or whose prompt filter is slow) thus delays only itself: another guild's task never
 * queues behind it.
 */
public final class GuildLanes {
    public static final int PER_GUILD = 2;

    private final Executor pool;
    /** One lane per guild the bot served a submit for (a few bytes each). */
    private final Map<Long, Lane> lanes = new ConcurrentHashMap<>();

    public GuildLanes(Executor pool) {
        this.pool = pool;
    }

    /** The executor of the guild's lane. */
    public Executor of(long guildId) {
        return lanes.computeIfAbsent(guildId, g -> new Lane())::submit;
    }

    private final class Lane {
        private final Queue<Runnable> waiting = new ArrayDeque<>();
        private int running;

        synchronized void submit(Runnable task) {
            if (running < PER_GUILD) {
                running++;
                pool.execute(() -> runThenNext(task));
            } else {
                waiting.add(task);
            }
        }

        private void runThenNext(Runnable task) {
            try {
                task.run();
            } finally {
                Runnable next;
                synchronized (this) {
                    next = waiting.poll();
                    if (next == null) {
                        running--;
                    }
                }
                if (next != null) {
                    Runnable following = next;
                    pool.execute(() -> runThenNext(following));
                }
            }
        }
    }
}
