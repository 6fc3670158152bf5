package dev.lorehub.crypto;

/**
 * The public half of a device: its Ed25519 identity key, its X25519 key for receiving realm keys,
 * and the identity key's signature over the X25519 key (so that a wrapped realm key can only be
 * addressed to a key the device itself vouched for).
 *
 * @param signingKey   Ed25519 public key, 32 bytes
 * @param agreementKey X25519 public key, 32 bytes
 * @param agreementKeySignature Ed25519 signature by {@code signingKey} over a domain-separated encoding of {@code agreementKey}
 */
public record DeviceKeys(byte[] signingKey, byte[] agreementKey, byte[] agreementKeySignature) {
    /** The device id these keys belong to (SHA-256 of {@code signingKey}). */
    public DeviceId id() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Checks lengths and the signature over the agreement key; throws {@link CryptoException} naming the problem. */
    public DeviceKeys verified() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** A stable byte encoding (version byte, then the three fields); {@link #decode} reverses it and verifies. */
    public byte[] encode() {
        throw new UnsupportedOperationException("skeleton");
    }

    /** Decodes and verifies what {@link #encode} produced. */
    public static DeviceKeys decode(byte[] bytes) {
        throw new UnsupportedOperationException("skeleton");
    }
}
