package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.Bytes;

import java.security.SecureRandom;
import java.util.Arrays;

/** A synced realm's global id: 128 random bits. Text form: 32 lowercase hex digits. Ordered by bytes (unsigned). */
public final class RealmId implements Comparable<RealmId> {
    public static final int LENGTH = 16;

    private final byte[] bytes;

    private RealmId(byte[] bytes) {
        this.bytes = bytes;
    }

    public static RealmId random(SecureRandom random) {
        byte[] b = new byte[LENGTH];
        random.nextBytes(b);
        return new RealmId(b);
    }

    /** Exactly 16 bytes (copied), else {@link IllegalArgumentException}. */
    public static RealmId fromBytes(byte[] bytes) {
        if (bytes == null || bytes.length != LENGTH) {
            throw new IllegalArgumentException("a realm id is " + LENGTH + " bytes, got " + (bytes == null ? "null" : bytes.length));
        }
        return new RealmId(bytes.clone());
    }

    /** Parses the hex form (either case); {@link IllegalArgumentException} with a clear message otherwise. */
    public static RealmId parse(String text) {
        if (text == null || text.length() != 2 * LENGTH) {
            throw new IllegalArgumentException("a realm id is " + 2 * LENGTH + " hex digits, got "
                + (text == null ? "null" : text.length() + " characters"));
        }
        try {
            return new RealmId(Bytes.fromHex(text));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not a realm id: " + e.getMessage(), e);
        }
    }

    public byte[] toBytes() {
        return bytes.clone();
    }

    /** Writes the 16 bytes into {@code out} at {@code off} (no copy for the hot envelope path). */
    void writeTo(byte[] out, int off) {
        System.arraycopy(bytes, 0, out, off, LENGTH);
    }

    @Override
    public String toString() {
        return Bytes.hex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RealmId && Arrays.equals(bytes, ((RealmId) o).bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public int compareTo(RealmId o) {
        return Arrays.compareUnsigned(bytes, o.bytes);
    }
}
