package dev.lorehub.crypto;

import java.security.SecureRandom;

/**
 * A realm epoch key wrapped for one device with HPKE (RFC 9180, DHKEM(X25519, HKDF-SHA256),
 * HKDF-SHA256, AES-256-GCM), realm id and epoch bound into the info/AAD, signed by the granting admin.
 */
public final class KeyWrap {
    private KeyWrap() {
    }

    /** Wraps {@code key} for {@code recipient} (whose keys must verify), signed by {@code admin}. All randomness from {@code random}. */
    public static byte[] wrap(EpochKey key, DeviceKeys recipient, DeviceIdentity admin, SecureRandom random) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Reads realm, epoch, recipient and admin from a wrapped key and verifies the admin's signature; does not decrypt. */
    public static WrappedKeyInfo inspect(byte[] wrapped) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Verifies the admin signature, checks it is addressed to {@code recipient}, and decrypts. */
    public static EpochKey unwrap(byte[] wrapped, DeviceIdentity recipient) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Public facts of a wrapped key.
     *
     * @param realm     realm
     * @param epoch     epoch
     * @param recipient device the key is wrapped for
     * @param admin     device that signed the wrap
     */
    public record WrappedKeyInfo(RealmId realm, int epoch, DeviceId recipient, DeviceId admin) {
    }
}
