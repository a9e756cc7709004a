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
 * The admin console's one-time admin links, in the database so that any process with access to it can mint one
 * ({@code sdbot console-link}) for the process that serves the console. A token is 32 random bytes; the table keeps
 * only its SHA-256. Each token works once, before it expires.
 */
public final class ConsoleLinkStore {
    private static final SecureRandom RANDOM = new SecureRandom();
    private final DataSource dataSource;

    public ConsoleLinkStore(DataSource dataSource) {
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

    private static byte[] sha256(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
