package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.ByteReader;
import dev.lorehub.crypto.internal.ByteWriter;
import dev.lorehub.crypto.internal.Bytes;
import dev.lorehub.crypto.internal.Malformed;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a device tells a peer about itself when pairing: its public keys and display name,
 * signed by its identity key.
 *
 * <p>Encoding ({@link #encode}): {@code 0x01} (version) {@code || keys.encode() (129) ||
 * nameLength (1) || name (UTF-8, 0..64 bytes) || signature (64)}.
 *
 * <p>The signature is Ed25519 by {@code keys.signingKey()} over
 * {@code "lorehub-device-record-v1" || 0x00 || keys.encode() || nameLength || name}.
 *
 * <p>A display name is 0..64 bytes of valid UTF-8 without control characters (it is shown in
 * terminals, where control characters could forge output).
 *
 * @param keys        public keys
 * @param displayName human-readable name, at most 64 UTF-8 bytes
 * @param signature   Ed25519 signature by {@code keys.signingKey()} over a domain-separated encoding of keys and name
 */
public record DeviceRecord(DeviceKeys keys, String displayName, byte[] signature) {
    /** Longest display name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 64;
    private static final int VERSION = 1;
    private static final byte[] DOMAIN = Bytes.ascii("lorehub-device-record-v1\0");

    public DeviceRecord {
        Objects.requireNonNull(keys, "keys");
        Objects.requireNonNull(displayName, "displayName");
        signature = Objects.requireNonNull(signature, "signature").clone();
    }

    public static DeviceRecord create(DeviceIdentity identity, String displayName) {
        byte[] name = nameBytes(displayName);
        DeviceKeys keys = identity.publicKeys();
        return new DeviceRecord(keys, displayName, identity.sign(signedMessage(keys, name)));
    }

    private static byte[] signedMessage(DeviceKeys keys, byte[] name) {
        return new ByteWriter(DOMAIN.length + DeviceKeys.ENCODED_LENGTH + 1 + name.length)
            .bytes(DOMAIN).bytes(keys.encode()).shortBytes(name).toByteArray();
    }

    private static byte[] nameBytes(String name) {
        Objects.requireNonNull(name, "displayName");
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                throw new CryptoException("display name contains a control character at position " + (i + 1));
            }
        }
        try {
            ByteBuffer b = StandardCharsets.UTF_8.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT).encode(CharBuffer.wrap(name));
            byte[] out = Arrays.copyOf(b.array(), b.limit());
            if (out.length > MAX_NAME_BYTES) {
                throw new CryptoException("display name is " + out.length + " bytes of UTF-8; at most " + MAX_NAME_BYTES + " allowed");
            }
            return out;
        } catch (CharacterCodingException e) {
            throw new CryptoException("display name is not valid Unicode (unpaired surrogate)");
        }
    }

    /** Verifies the keys and the signature; returns this or throws {@link CryptoException}. */
    public DeviceRecord verified() {
        keys.verified();
        byte[] name = nameBytes(displayName);
        if (!Signatures.verify(keys.signingKey(), signedMessage(keys, name), signature)) {
            throw new CryptoException("the record of device " + keys.id() + " is not signed by its identity key");
        }
        return this;
    }

    public DeviceId id() {
        return keys.id();
    }

    public byte[] encode() {
        byte[] name = nameBytes(displayName);
        return new ByteWriter(1 + DeviceKeys.ENCODED_LENGTH + 1 + name.length + 64)
            .u8(VERSION).bytes(keys.encode()).shortBytes(name).bytes(signature).toByteArray();
    }

    /** Decodes and verifies; {@link CryptoException} naming the problem otherwise. */
    public static DeviceRecord decode(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        try {
            ByteReader r = new ByteReader(bytes);
            int version = r.u8("version");
            if (version != VERSION) {
                throw new CryptoException("device record: unknown version " + version + " (this build reads version " + VERSION + ")");
            }
            DeviceKeys keys = DeviceKeys.decode(r.bytes(DeviceKeys.ENCODED_LENGTH, "device keys"));
            byte[] name = r.shortBytes(MAX_NAME_BYTES, "display name");
            byte[] sig = r.bytes(64, "signature");
            r.expectEnd("device record");
            String displayName;
            try {
                displayName = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(name)).toString();
            } catch (CharacterCodingException e) {
                throw new CryptoException("device record: display name is not valid UTF-8");
            }
            return new DeviceRecord(keys, displayName, sig).verified();
        } catch (Malformed e) {
            throw new CryptoException("device record: " + e.getMessage());
        }
    }

    @Override
    public byte[] signature() {
        return signature.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceRecord r && keys.equals(r.keys) && displayName.equals(r.displayName)
            && Arrays.equals(signature, r.signature);
    }

    @Override
    public int hashCode() {
        return keys.hashCode() * 31 + displayName.hashCode();
    }

    @Override
    public String toString() {
        return "DeviceRecord[device=" + keys.id() + ", name=" + displayName + "]";
    }
}
