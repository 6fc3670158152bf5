package dev.lorehub.merkle;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * The 16-byte fingerprint of a key range (see {@link FingerprintSet} for its definition and
 * collision bound). Two ranges with equal fingerprints hold the same keys unless a collision
 * occurred. Immutable; compare with {@link #equals}.
 */
public final class Fingerprint {

    /** Length of a set or range fingerprint in bytes. */
    public static final int BYTES = 16;

    private final byte[] bytes;

    private Fingerprint(byte[] bytes) {
        this.bytes = bytes;
    }

    /** Wraps a copy of exactly {@value #BYTES} bytes. */
    public static Fingerprint of(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        if (bytes.length != BYTES) {
            throw new IllegalArgumentException("a fingerprint is " + BYTES + " bytes, was " + bytes.length);
        }
        return new Fingerprint(bytes.clone());
    }

    /** A copy of the bytes. */
    public byte[] bytes() {
        return bytes.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Fingerprint f && Arrays.equals(bytes, f.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    /** Lower-case hex. */
    @Override
    public String toString() {
        return HexFormat.of().formatHex(bytes);
    }
}
