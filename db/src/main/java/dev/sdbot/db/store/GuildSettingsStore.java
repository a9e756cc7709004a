package dev.sdbot.db.store;

import dev.sdbot.db.entity.GuildSettings;
import org.hibernate.SessionFactory;

import java.time.Instant;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

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

    /** Loads (or creates) the guild's settings, applies the change and saves, in one transaction. */
    public GuildSettings update(long guildId, Instant now, Consumer<GuildSettings> change) {
        return sessions.fromTransaction(session -> {
            GuildSettings settings = session.find(GuildSettings.class, guildId);
            if (settings == null) {
                settings = new GuildSettings(guildId, now);
                session.persist(settings);
            }
            change.accept(settings);
            return settings;
        });
    }

    /**
     * Applies a change to the guild's settings and one to its generation-defaults row (channel 0) in one
     * transaction: both are written or neither.
     */
    public GuildSettings update(long guildId, Instant now, Consumer<GuildSettings> change,
                                UnaryOperator<GenerationDefaultsStore.GenerationDefaults> defaultsChange) {
        return sessions.fromTransaction(session -> {
            GuildSettings settings = session.find(GuildSettings.class, guildId);
            if (settings == null) {
                settings = new GuildSettings(guildId, now);
                session.persist(settings);
            }
            change.accept(settings);
            session.flush();
            session.doWork(c -> {
                GenerationDefaultsStore.GenerationDefaults current = GenerationDefaultsStore.find(c, guildId, 0)
                        .orElse(GenerationDefaultsStore.GenerationDefaults.none(guildId, 0));
                GenerationDefaultsStore.GenerationDefaults changed = defaultsChange.apply(current);
                if (!changed.equals(current)) {
                    GenerationDefaultsStore.put(c, changed, now);
                }
            });
            return settings;
        });
    }
}
