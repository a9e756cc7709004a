package dev.sdbot.db;

import dev.sdbot.db.entity.FilterRule;
import dev.sdbot.db.entity.GuildSettings;
import dev.sdbot.db.entity.ModerationEvent;
import dev.sdbot.db.entity.QuotaRule;
import org.hibernate.SessionFactory;
import org.hibernate.cfg.Configuration;

import javax.sql.DataSource;

/** Hibernate over the pool. Flyway owns the schema, so Hibernate never creates or alters tables. */
public final class OrmSessionFactory {
    private OrmSessionFactory() {
    }

    public static SessionFactory build(DataSource dataSource) {
        Configuration configuration = new Configuration()
                .addAnnotatedClass(GuildSettings.class)
                .addAnnotatedClass(FilterRule.class)
                .addAnnotatedClass(QuotaRule.class)
                .addAnnotatedClass(ModerationEvent.class);
        configuration.getProperties().put("hibernate.connection.datasource", dataSource);
        configuration.setProperty("hibernate.hbm2ddl.auto", "none");
        return configuration.buildSessionFactory();
    }
}
