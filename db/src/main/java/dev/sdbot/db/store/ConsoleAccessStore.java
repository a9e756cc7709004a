package dev.sdbot.db.store;

import javax.sql.DataSource;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * The admin console's access that other processes control through the database: one-time admin links, which any
 * process with access to it can mint ({@code sdbot console-link}) for the process that serves the console (a token is
 * 32 random bytes, the table keeps only its SHA-256; each works once, before it expires), and the revocation of every
 * session (a generation number: a session opened under an older one is over).
 */
public final class ConsoleAccessStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final DataSource dataSource;

    public ConsoleAccessStore(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    /** A new token valid until {@code expires}; expired ones are purged on the way. */
    public String mint(Instant now, Instant expires) {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        try (Connection c = dataSource.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM console_admin_links WHERE expires_at <= ?")) {
                ps.setObject(1, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO console_admin_links (token_sha256, expires_at) VALUES (?, ?)")) {
                ps.setBytes(1, sha256(token));
                ps.setObject(2, OffsetDateTime.ofInstant(expires, ZoneOffset.UTC));
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot store a console admin link: " + e.getMessage(), e);
        }
        return token;
    }

    /** Spends a token: true once for a token minted and not expired at {@code now}; false ever after. */
    public boolean redeem(String token, Instant now) {
        if (token == null || token.isEmpty()) {
            return false;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "DELETE FROM console_admin_links WHERE token_sha256 = ? RETURNING expires_at > ?")) {
            ps.setBytes(1, sha256(token));
            ps.setObject(2, OffsetDateTime.ofInstant(now, ZoneOffset.UTC));
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot check a console admin link: " + e.getMessage(), e);
        }
    }

    /** The current session generation: a session opened under an older one has been revoked. */
    public long sessionGeneration() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT generation FROM console_revocations WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new IllegalStateException("console_revocations has no row (migration V21)");
            }
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the console's session generation: " + e.getMessage(), e);
        }
    }

    /** Revokes every console session and every unused admin link; returns the new generation. */
    public long revokeAll() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement links = c.prepareStatement("DELETE FROM console_admin_links");
                 PreparedStatement bump = c.prepareStatement(
                         "UPDATE console_revocations SET generation = generation + 1 WHERE id = 1 RETURNING generation")) {
                links.executeUpdate();
                try (ResultSet rs = bump.executeQuery()) {
                    rs.next();
                    long generation = rs.getLong(1);
                    c.commit();
                    return generation;
                }
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot revoke the console's sessions: " + e.getMessage(), e);
        }
    }

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
