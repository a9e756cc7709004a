package dev.sdbot.db.store;

import dev.sdbot.db.entity.GuildSettings;
import org.hibernate.SessionFactory;

import java.time.Instant;
import java.util.function.Consumer;

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
}
