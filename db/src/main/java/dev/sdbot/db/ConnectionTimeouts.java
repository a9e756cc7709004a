package dev.sdbot.db;

import com.zaxxer.hikari.HikariConfig;

import java.time.Duration;

/**
 * What bounds a connection when the other end stops answering (a partition, a frozen process). Without these a
 * frozen leader keeps its advisory lock and row locks until the server's TCP keepalive (about 2 h), and a client
 * waits as long on a server that vanished.
 * <ul>
 *   <li>client: TCP keepalive on, a connect timeout, and a socket (read) timeout longer than any legitimate
 *       statement (migrations and retention included), so a thread blocked on a dead server comes back;</li>
 *   <li>server, per session: {@code idle_in_transaction_session_timeout} ends a transaction whose client stopped
 *       talking (its locks go with it); TCP keepalives and {@code client_connection_check_interval} notice a client
 *       that vanished within about half a minute.</li>
 * </ul>
 * The hot paths (claim, heartbeat, dispatch, reaping, the leader lease) set tighter limits per transaction
 * ({@code Sql.inTransaction} with a {@code HotPath}).
 */
public final class ConnectionTimeouts {
    /** No client waits longer for one answer: longer than any statement sdbot runs, migrations included. */
    public static final Duration SOCKET_TIMEOUT = Duration.ofMinutes(10);
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** A transaction whose client went quiet for this long is ended by the server, releasing its locks. */
    public static final Duration IDLE_IN_TRANSACTION = Duration.ofSeconds(30);
    /** Server-side keepalive: idle 15 s, then 3 probes 5 s apart. */
    static final int KEEPALIVE_IDLE_S = 15;
    static final int KEEPALIVE_INTERVAL_S = 5;
    static final int KEEPALIVE_COUNT = 3;
    /** How often a server checks, during a long statement, that its client is still there. */
    static final Duration CLIENT_CHECK = Duration.ofSeconds(5);

    private ConnectionTimeouts() {
    }

    /** Sets the timeouts on a pool's connections (client settings in the JDBC URL itself still win). */
    static void apply(HikariConfig config) {
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("connectTimeout", Long.toString(CONNECT_TIMEOUT.toSeconds()));
        config.addDataSourceProperty("socketTimeout", Long.toString(SOCKET_TIMEOUT.toSeconds()));
        config.setConnectionInitSql(sessionSettings());
    }

    /**
     * The server settings, set once per connection (not as a startup {@code options} parameter, which PgBouncer
     * refuses); the client check exists from PostgreSQL 14 on.
     */
    static String sessionSettings() {
        return "SELECT set_config('idle_in_transaction_session_timeout', '" + IDLE_IN_TRANSACTION.toMillis() + "', false),"
                + " set_config('tcp_keepalives_idle', '" + KEEPALIVE_IDLE_S + "', false),"
                + " set_config('tcp_keepalives_interval', '" + KEEPALIVE_INTERVAL_S + "', false),"
                + " set_config('tcp_keepalives_count', '" + KEEPALIVE_COUNT + "', false);"
                + " SELECT set_config('client_connection_check_interval', '" + CLIENT_CHECK.toMillis() + "', false)"
                + " WHERE current_setting('server_version_num')::int >= 140000";
    }
}
