package dev.sdbot.bot.features.console;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Optional;

/**
 * Seals the Discord access tokens of console logins before they are stored: AES-256-GCM under a key derived from the
 * OAuth client secret (every console process of a deployment has it; a reader of the database alone does not), a
 * random 12-byte nonce in front of each sealed token. A token sealed under another secret does not open.
 */
final class SealedTokens {
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;

    /** @param secret the OAuth client secret; null (no Discord logins) seals under a random key of this process */
    SealedTokens(String secret) {
        byte[] material = new byte[32];
        if (secret == null || secret.isBlank()) {
            random.nextBytes(material);
        } else {
            material = digest("sdbot console session token\0" + secret);
        }
        this.key = new SecretKeySpec(material, "AES");
    }

    byte[] seal(String token) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(token.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a console token: " + e.getClass().getSimpleName(), e);
        }
    }

    /** The token, or empty when it was sealed under another secret or altered. */
    Optional<String> unseal(byte[] sealed) {
        if (sealed.length <= NONCE_BYTES) {
            return Optional.empty();
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            return Optional.of(new String(cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8));
        } catch (AEADBadTagException e) {
            return Optional.empty();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot unseal a console token: " + e.getClass().getSimpleName(), e);
        }
    }

    private static byte[] digest(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
