package dev.sdbot.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.hibernate.SessionFactory;

import javax.sql.DataSource;

/**
 * The process's connection to PostgreSQL: the pool, the embedded server when there is no
 * DATABASE_URL, and the Hibernate session factory. Migrates on open.
 */
public final class Database implements AutoCloseable {
    private final EmbeddedPostgresServer embedded;
    private final HikariDataSource dataSource;
    private final String jdbcUrl;
    private final String user;
    private final String password;
    private volatile SessionFactory sessionFactory;

    private Database(EmbeddedPostgresServer embedded, String jdbcUrl, String user, String password, int poolSize) {
        this.embedded = embedded;
        this.jdbcUrl = jdbcUrl;
        this.user = user;
        this.password = password;
        this.dataSource = pool(jdbcUrl, user, password, poolSize);
    }

    /** Opens (starting the embedded server if needed) and migrates. */
    public static Database open(DatabaseSettings settings) {
        Database db = connect(settings);
        try {
            Migrations.migrate(db.dataSource);
            return db;
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    /** Opens without migrating (used by {@code sdbot migrate}, which reports what it applied). */
    public static Database connect(DatabaseSettings settings) {
        if (settings.isEmbedded()) {
            EmbeddedPostgresServer server = EmbeddedPostgresServer.startOrAttach(settings.dataDir());
            try {
                return new Database(server, server.jdbcUrl(), EmbeddedPostgresServer.USER, null, settings.maxPoolSize());
            } catch (RuntimeException e) {
                server.close();
                throw e;
            }
        }
        return new Database(null, settings.url(), settings.user(), settings.password(), settings.maxPoolSize());
    }

    public static HikariDataSource pool(String jdbcUrl, String user, String password, int poolSize) {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(jdbcUrl);
        config.setUsername(user);
        config.setPassword(password);
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        config.setConnectionTimeout(5_000);
        config.setPoolName("sdbot");
        ConnectionTimeouts.apply(config);
        return new HikariDataSource(config);
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public int migrate() {
        return Migrations.migrate(dataSource);
    }

    public SessionFactory sessionFactory() {
        SessionFactory result = sessionFactory;
        if (result == null) {
            synchronized (this) {
                if (sessionFactory == null) {
                    sessionFactory = OrmSessionFactory.build(dataSource);
                }
                result = sessionFactory;
            }
        }
        return result;
    }

    /** For processes that need their own connections (e.g. a LISTEN connection). */
    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return user;
    }

    /** Password for own connections; never log it. */
    public String password() {
        return password;
    }

    public boolean isEmbedded() {
        return embedded != null;
    }

    /** A short description without credentials, for start-up messages. */
    public String describe() {
        return embedded != null
                ? "embedded PostgreSQL on port " + embedded.port() + (embedded.ownsServer() ? "" : " (shared with a running sdbot)")
                : DatabaseSettings.redactUrl(jdbcUrl);
    }

    @Override
    public void close() {
        if (sessionFactory != null) {
            sessionFactory.close();
        }
        dataSource.close();
        if (embedded != null) {
            embedded.close();
        }
    }
}
