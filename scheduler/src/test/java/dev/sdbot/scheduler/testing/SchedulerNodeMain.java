package dev.sdbot.scheduler.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.sdbot.db.Database;
import dev.sdbot.scheduler.JobEvents;
import dev.sdbot.scheduler.SchedulerNode;


/** A scheduler node in a process of its own, for tests that freeze or kill it: args = jdbcUrl. Says "leading" once it leads. */
public final class SchedulerNodeMain {
    private SchedulerNodeMain() {
    }

    public static void main(String[] args) throws Exception {
        HikariDataSource pool = Database.pool(args[0], "postgres", null, 4);
        SchedulerNode node = new SchedulerNode(pool, JobSystem.imagesOf(args[0]), JobSystem.FAST, new JobEvents(pool, "child-node").start()).start();
        while (!node.isLeader()) {
            Thread.sleep(20);
        }
        System.out.println("leading");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
