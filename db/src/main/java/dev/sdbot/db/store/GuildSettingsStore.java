package dev.sdbot.db.store;

import dev.sdbot.db.entity.GuildSettings;
import jakarta.persistence.LockModeType;
import org.hibernate.SessionFactory;

import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.BiFunction;

/** Per-guild settings; a guild without a row gets the defaults. */
public final class GuildSettingsStore {
    private final SessionFactory sessions;

    public GuildSettingsStore(SessionFactory sessions) {
        this.sessions = sessions;
    }

    public GuildSettings get(long guildId, Instant now) {
        GuildSettings found = sessions.fromSession(session -> session.find(GuildSettings.class, guildId));
        return found != null ? found : new GuildSettings(guildId, now);
    }

    /** The guilds that have settings of their own. */
    public java.util.List<Long> guilds() {
        return sessions.fromSession(session -> session.createSelectionQuery(
                "select guildId from GuildSettings order by guildId", Long.class).getResultList());
    }

    /**
     * Loads (or creates) the guild's settings, applies the change and saves, in one transaction on the locked row
     * (every column is written back, so concurrent changes of one guild must not interleave).
     */
    public GuildSettings update(long guildId, Instant now, Consumer<GuildSettings> change) {
        return sessions.fromTransaction(session -> {
            GuildSettings settings = session.find(GuildSettings.class, guildId, LockModeType.PESSIMISTIC_WRITE);
            if (settings == null) {
                settings = new GuildSettings(guildId, now);
                session.persist(settings);
            }
            change.accept(settings);
            return settings;
        });
    }

    /**
     * Applies a change to the guild's settings, then one to its generation-defaults row (channel 0), which sees the
     * changed settings, in one transaction on the locked settings row: both are written or neither, and concurrent
     * changes of the guild wait for each other.
     */
    public GuildSettings update(long guildId, Instant now, Consumer<GuildSettings> change,
                                BiFunction<GuildSettings, GenerationDefaultsStore.GenerationDefaults,
                                        GenerationDefaultsStore.GenerationDefaults> defaultsChange) {
        return sessions.fromTransaction(session -> {
            GuildSettings settings = session.find(GuildSettings.class, guildId, LockModeType.PESSIMISTIC_WRITE);
            if (settings == null) {
                settings = new GuildSettings(guildId, now);
                session.persist(settings);
            }
            change.accept(settings);
            session.flush();
            GuildSettings changed = settings;
            session.doWork(c -> {
                GenerationDefaultsStore.GenerationDefaults current = GenerationDefaultsStore.find(c, guildId, 0)
                        .orElse(GenerationDefaultsStore.GenerationDefaults.none(guildId, 0));
                GenerationDefaultsStore.GenerationDefaults result = defaultsChange.apply(changed, current);
                if (!result.equals(current)) {
                    GenerationDefaultsStore.put(c, result, now);
                }
            });
            return settings;
        });
    }
}
