package dev.sdbot.bot.e2e;

import dev.sdbot.testkit.fake.FakeGuild;
import dev.sdbot.db.testing.EmbeddedPostgresExtension;
import dev.sdbot.db.testing.TestDatabase;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.time.Duration;

/**
 * The shared fixture of the end-to-end tests: one {@link BotHarness} per test class (embedded
 * PostgreSQL, scheduler node, worker, fake Discord and the real bot), started before the class's
 * first test and closed after its last. A subclass says how slow its worker is with {@link Harness}.
 */
@ExtendWith(EmbeddedPostgresExtension.class)
abstract class EndToEndTest {
    /** The worker of the test class: delay per denoising step and number of slots. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface Harness {
        long stepDelayMillis() default 0;

        int workerSlots() default 1;
    }

    static BotHarness harness;
    static FakeGuild guild;
    static TestDatabase db;

    @BeforeAll
    static void startHarness(TestDatabase database, TestInfo info) throws Exception {
        Harness config = info.getTestClass().orElseThrow().getAnnotation(Harness.class);
        db = database;
        harness = new BotHarness(db, Duration.ofMillis(config == null ? 0 : config.stepDelayMillis()),
                config == null ? 1 : config.workerSlots());
        guild = harness.discord.guild();
    }

    @AfterAll
    static void stopHarness() throws Exception {
        try {
            if (harness != null) {
                harness.close();
            }
        } finally {
            harness = null;
            guild = null;
            db = null;
        }
    }
}
