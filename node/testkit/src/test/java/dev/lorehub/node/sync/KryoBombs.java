package dev.lorehub.node.sync;

import dev.lorehub.crypto.DeviceIdentity;
import dev.lorehub.crypto.EnvelopeHeader;
import dev.lorehub.crypto.RealmId;
import dev.lorehub.crypto.SealedEnvelope;
import dev.lorehub.crypto.SeededRandom;

/**
 * Hostile inputs that make Kryo's built-in registrations allocate from an untrusted length: the
 * class id of {@code String} (Kryo's default registration 1, written as 1 + 2 = 3) followed by a
 * UTF-8 length prefix of 2^31 - 15 characters. {@code Kryo.readClassAndObject} resolves the class id
 * to {@code String}, and Kryo's string reader sizes a {@code char[]} from the prefix before
 * reading a single character: about 4 GiB from six bytes.
 */
final class KryoBombs {
    private KryoBombs() {
    }

    /**
     * The six bytes: class id 3 ({@code String}); then Kryo's flagged varint (bit 7 = UTF-8, bit 6 =
     * more bytes, six value bits, then 7 bits per byte) of charCount + 1 = 0x7ffffff1.
     */
    static final byte[] STRING_BOMB = {0x03, (byte) 0xf1, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};

    /**
     * A signed-only (membership-style) envelope whose body is {@link #STRING_BOMB}: what any key can
     * produce and send in an {@code Events} frame. Returns the sealed bytes (152 bytes).
     */
    static byte[] envelopeWithBombBody(RealmId realm) {
        DeviceIdentity stranger = DeviceIdentity.generate(SeededRandom.of(99));
        return SealedEnvelope.seal(new EnvelopeHeader(realm, 0, 1L << 20, false), STRING_BOMB, null, stranger,
            SeededRandom.of(100));
    }
}
