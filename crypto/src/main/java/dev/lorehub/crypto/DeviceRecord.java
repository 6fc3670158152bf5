package dev.lorehub.crypto;

/**
 * What a device tells a peer about itself when pairing: its public keys and display name,
 * signed by its identity key.
 *
 * @param keys        public keys
 * @param displayName human-readable name, at most 64 UTF-8 bytes
 * @param signature   Ed25519 signature by {@code keys.signingKey()} over a domain-separated encoding of keys and name
 */
public record DeviceRecord(DeviceKeys keys, String displayName, byte[] signature) {
    public static DeviceRecord create(DeviceIdentity identity, String displayName) {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Verifies the keys and the signature; returns this or throws {@link CryptoException}. */
    public DeviceRecord verified() {
        throw new UnsupportedOperationException("skeleton");
    }

    public DeviceId id() {
        throw new UnsupportedOperationException("skeleton");
    }

    public byte[] encode() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Decodes and verifies. */
    public static DeviceRecord decode(byte[] bytes) {
        throw new UnsupportedOperationException("skeleton");
    }
}
