package dev.lorehub.crypto;

import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * A device's secret identity: an Ed25519 signing key pair and an X25519 key pair for receiving
 * realm keys. Persisted to a file readable only by its owner.
 */
public final class DeviceIdentity {
    private DeviceIdentity() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A fresh identity drawn from {@code random} (a seeded random gives a reproducible identity, for simulation). */
    public static DeviceIdentity generate(SecureRandom random) {
        throw new UnsupportedOperationException("skeleton");
    }

    /**
     * Loads an identity saved by {@link #save}.
     *
     * @throws KeyFileException naming the file and the fix when it is missing, readable by others, or corrupted
     */
    public static DeviceIdentity load(Path file) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Writes the identity atomically to {@code file} with owner-only permissions (0600 on POSIX). */
    public void save(Path file) {
        throw new UnsupportedOperationException("skeleton");
    }

    public DeviceId id() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** The public keys, with the X25519 key signed by the identity key. */
    public DeviceKeys publicKeys() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Ed25519 signature (64 bytes) over {@code message}. */
    public byte[] sign(byte[] message) {
        throw new UnsupportedOperationException("skeleton");
    }
}
