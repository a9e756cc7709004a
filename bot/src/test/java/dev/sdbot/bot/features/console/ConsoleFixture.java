package dev.sdbot.bot.features.console;

import dev.sdbot.bot.runtime.DiscordStatus;
import dev.sdbot.db.entity.QuotaScope;
import dev.sdbot.db.store.QuotaRuleStore;
import dev.sdbot.db.testing.TestDatabase;

import java.time.Instant;
import java.util.Map;

/** Jobs and a quota rule in three guilds, with names and prompts that would inject HTML if printed raw. */
final class ConsoleFixture {
    static final long MANAGED = 111;       // the OAuth user has Manage Server; the bot is there
    static final long NOT_MANAGED = 222;   // the bot is there; the user has no Manage Server
    static final long BOT_ABSENT = 333;    // the user is an administrator; the bot is not there
    static final long ADMINISTERED = 444;  // the user is an administrator; the bot is there
    static final String INJECTED_PROMPT = "a cat <script>document.title='pwned'</script> & <b>bold</b>";
    static final String OTHER_GUILD_PROMPT = "secret prompt of the other guild";
    static final String INJECTED_NAME = "Cats <img src=x onerror=alert(1)>";

    /** The bot's side: connected, in three of the guilds. */
    record BotIn(Map<Long, String> guilds) implements DiscordStatus {
        @Override
        public boolean connected() {
            return true;
        }
    }

    static BotIn bot() {
        return new BotIn(Map.of(MANAGED, INJECTED_NAME, NOT_MANAGED, "Dogs", ADMINISTERED, "Birds"));
    }

    static void seed(TestDatabase db) {
        db.update("TRUNCATE jobs, workers, quota_rules, guild_settings, console_sessions, console_oauth_states CASCADE");
        job(db, MANAGED, "QUEUED", INJECTED_PROMPT, 600);
        job(db, MANAGED, "POSTED", "a quiet harbour", 3600);
        job(db, NOT_MANAGED, "QUEUED", OTHER_GUILD_PROMPT, 60);
        job(db, BOT_ABSENT, "QUEUED", OTHER_GUILD_PROMPT, 60);
        new QuotaRuleStore(db.sessionFactory()).put(MANAGED, QuotaScope.GUILD_DEFAULT, 0, 25, 120, Instant.now());
    }

    private static void job(TestDatabase db, long guild, String state, String prompt, int ageSeconds) {
        db.update("INSERT INTO jobs (state, prompt, model, sampler, steps, cfg_scale, width, height, image_count, guild_id,"
                + " channel_id, user_id, created_at, updated_at) VALUES (?, ?, 'test-pattern', 'EULER', 4, 7.0, 64, 64, 1, ?, 5, 7,"
                + " now() - ? * interval '1 second', now())", state, prompt, guild, ageSeconds);
    }

    private ConsoleFixture() {
    }
}
