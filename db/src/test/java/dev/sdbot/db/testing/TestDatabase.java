package dev.sdbot.db.testing;

import com.zaxxer.hikari.HikariDataSource;
import dev.sdbot.db.Database;
import dev.sdbot.db.EmbeddedPostgresServer;
import dev.sdbot.db.Migrations;
import dev.sdbot.db.OrmSessionFactory;
import org.hibernate.SessionFactory;

import javax.sql.DataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** A migrated database of its own for one test class, with helpers for assertions in SQL. */
public final class TestDatabase implements AutoCloseable {
    private final String jdbcUrl;
    private final List<HikariDataSource> pools = new ArrayList<>();
    private final HikariDataSource dataSource;
    private SessionFactory sessionFactory;

    /** A database at any URL of an embedded server (user postgres, no password), migrated. */
    public static TestDatabase at(String jdbcUrl) {
        return new TestDatabase(jdbcUrl);
    }

    TestDatabase(String jdbcUrl) {
        this.jdbcUrl = jdbcUrl;
        this.dataSource = newPool(8);
        Migrations.migrate(dataSource);
    }

    public String jdbcUrl() {
        return jdbcUrl;
    }

    public String user() {
        return EmbeddedPostgresServer.USER;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Another pool on the same database, as a second process would have; closed with this database. */
    public synchronized HikariDataSource newPool(int size) {
        HikariDataSource pool = Database.pool(jdbcUrl, user(), null, size);
        pools.add(pool);
        return pool;
    }

    public synchronized SessionFactory sessionFactory() {
        if (sessionFactory == null) {
            sessionFactory = OrmSessionFactory.build(dataSource);
        }
        return sessionFactory;
    }

    /** Runs a query that returns one number. */
    public long queryLong(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new IllegalStateException("no row for " + sql);
                }
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    public int update(String sql, Object... params) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        if (sessionFactory != null) {
            sessionFactory.close();
        }
        pools.forEach(HikariDataSource::close);
    }
}
