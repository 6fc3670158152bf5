package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.ByteReader;
import dev.lorehub.crypto.internal.Bytes;
import dev.lorehub.crypto.internal.Malformed;

import java.util.Arrays;
import java.util.Objects;

/**
 * The public half of a device: its Ed25519 identity key, its X25519 key for receiving realm keys,
 * and the identity key's signature over the X25519 key (so that a wrapped realm key can only be
 * addressed to a key the device itself vouched for).
 *
 * <p>The signature is Ed25519 by {@code signingKey} over
 * {@code "lorehub-agreement-key-v1" || 0x00 || signingKey || agreementKey}.
 *
 * <p>Encoding ({@link #encode}), 129 bytes: {@code 0x01} (version) {@code || signingKey (32) ||
 * agreementKey (32) || agreementKeySignature (64)}.
 *
 * <p>Arrays are copied in and out; equality is by content.
 *
 * @param signingKey   Ed25519 public key, 32 bytes
 * @param agreementKey X25519 public key, 32 bytes
 * @param agreementKeySignature Ed25519 signature by {@code signingKey} over a domain-separated encoding of {@code agreementKey}
 */
public record DeviceKeys(byte[] signingKey, byte[] agreementKey, byte[] agreementKeySignature) {
    /** Length of {@link #encode()}'s output. */
    public static final int ENCODED_LENGTH = 1 + 32 + 32 + 64;
    private static final int VERSION = 1;
    private static final byte[] DOMAIN = Bytes.ascii("lorehub-agreement-key-v1\0");

    public DeviceKeys {
        signingKey = Objects.requireNonNull(signingKey, "signingKey").clone();
        agreementKey = Objects.requireNonNull(agreementKey, "agreementKey").clone();
        agreementKeySignature = Objects.requireNonNull(agreementKeySignature, "agreementKeySignature").clone();
    }

    /** The message the identity key signs to vouch for an agreement key. */
    static byte[] agreementKeyMessage(byte[] signingKey, byte[] agreementKey) {
        return Bytes.concat(DOMAIN, signingKey, agreementKey);
    }

    /** The device id these keys belong to (SHA-256 of {@code signingKey}). */
    public DeviceId id() {
        return DeviceId.ofPublicKey(signingKey);
    }

    /** Checks lengths and the signature over the agreement key; returns this or throws {@link CryptoException} naming the problem. */
    public DeviceKeys verified() {
        if (signingKey.length != 32) {
            throw new CryptoException("device signing key must be 32 bytes, got " + signingKey.length);
        }
        if (agreementKey.length != 32) {
            throw new CryptoException("device agreement key must be 32 bytes, got " + agreementKey.length);
        }
        if (agreementKeySignature.length != 64) {
            throw new CryptoException("agreement key signature must be 64 bytes, got " + agreementKeySignature.length);
        }
        if (!Signatures.verify(signingKey, agreementKeyMessage(signingKey, agreementKey), agreementKeySignature)) {
            throw new CryptoException("the agreement key of device " + id() + " is not signed by its identity key");
        }
        return this;
    }

    /** The 129-byte encoding described above; {@link #decode} reverses it and verifies. */
    public byte[] encode() {
        return Bytes.concat(new byte[] {VERSION}, signingKey, agreementKey, agreementKeySignature);
    }

    /** Decodes and verifies what {@link #encode} produced; {@link CryptoException} naming the problem otherwise. */
    public static DeviceKeys decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            ByteReader r = new ByteReader(bytes);
            int version = r.u8("version");
            if (version != VERSION) {
                throw new CryptoException("device keys: unknown version " + version + " (this build reads version " + VERSION + ")");
            }
            DeviceKeys k = new DeviceKeys(r.bytes(32, "signing key"), r.bytes(32, "agreement key"), r.bytes(64, "signature"));
            r.expectEnd("device keys");
            return k.verified();
        } catch (Malformed e) {
            throw new CryptoException("device keys: " + e.getMessage());
        }
    }

    @Override
    public byte[] signingKey() {
        return signingKey.clone();
    }

    @Override
    public byte[] agreementKey() {
        return agreementKey.clone();
    }

    @Override
    public byte[] agreementKeySignature() {
        return agreementKeySignature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceKeys k && Arrays.equals(signingKey, k.signingKey) && Arrays.equals(agreementKey, k.agreementKey)
            && Arrays.equals(agreementKeySignature, k.agreementKeySignature);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(signingKey) * 31 + Arrays.hashCode(agreementKey);
    }

    @Override
    public String toString() {
        return "DeviceKeys[device=" + (signingKey.length == 32 ? id().toString() : "(invalid)") + "]";
    }
}
