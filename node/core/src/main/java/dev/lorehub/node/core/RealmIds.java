package dev.lorehub.node.core;

import dev.lorehub.crypto.DeviceId;
import dev.lorehub.crypto.RealmId;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * Binds a realm id to its founder: id = first 16 bytes of SHA-256("lorehub-realm-v1" || founder
 * device id || 16-byte random nonce). The GENESIS event carries the nonce, so every member checks
 * that only the founder could have started the realm; a member cannot forge an earlier GENESIS
 * and make itself admin.
 */
public final class RealmIds {
    /** Bytes of the GENESIS nonce. */
    public static final int NONCE_LENGTH = 16;
    private static final byte[] DOMAIN = "lorehub-realm-v1".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private RealmIds() {
    }

    /** The realm id a founder gets from a nonce. */
    public static RealmId derive(DeviceId founder, byte[] nonce) {
        if (nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("a realm nonce has " + NONCE_LENGTH + " bytes, got " + nonce.length);
        }
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(DOMAIN);
            sha.update(founder.toBytes());
            sha.update(nonce);
            return RealmId.fromBytes(Arrays.copyOf(sha.digest(), RealmId.LENGTH));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform provides SHA-256", e);
        }
    }

    /** True if {@code realm} was derived from this founder and nonce. */
    public static boolean matches(RealmId realm, DeviceId founder, byte[] nonce) {
        return nonce.length == NONCE_LENGTH && derive(founder, nonce).equals(realm);
    }
}
