package dev.lorehub.merkle.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The two hash functions behind every fingerprint, both SHA-256 with a one-byte domain tag so a key
 * hash can never be confused with a range fingerprint:
 *
 * <ul>
 *   <li>key hash: {@code H_K(ts, id) = SHA-256(0x4B || ts as 8 bytes big-endian two's complement || id)},
 *       read as a 256-bit big-endian integer;</li>
 *   <li>range fingerprint: {@code SHA-256(0x52 || len || salt as 8 bytes BE || count as 8 bytes BE ||
 *       sum as 32 bytes BE)} truncated to its first {@code len} bytes, where {@code sum} is the sum
 *       of the key hashes of the range modulo 2^256.</li>
 * </ul>
 *
 * <p>Not thread-safe: it reuses one {@link MessageDigest} and scratch buffers.
 */
public final class KeyHasher {

    /** Domain tag of a key hash ('K'). */
    public static final byte KEY_DOMAIN = 0x4B;
    /** Domain tag of a range fingerprint ('R'). */
    public static final byte RANGE_DOMAIN = 0x52;

    private final MessageDigest sha;
    private final byte[] keyInput = new byte[41];
    private final byte[] rangeInput = new byte[50];
    private final byte[] out = new byte[32];

    public KeyHasher() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java SE platform must provide SHA-256, so this is a broken JDK, not an input.
            throw new IllegalStateException("the JDK provides no SHA-256", e);
        }
        keyInput[0] = KEY_DOMAIN;
        rangeInput[0] = RANGE_DOMAIN;
    }

    /** Writes the key hash of {@code (ts, id words)} as four little-endian limbs into {@code dst[off..off+4)}. */
    public void hashKey(long ts, long w0, long w1, long w2, long w3, long[] dst, int off) {
        putLong(keyInput, 1, ts);
        putLong(keyInput, 9, w0);
        putLong(keyInput, 17, w1);
        putLong(keyInput, 25, w2);
        putLong(keyInput, 33, w3);
        sha.update(keyInput, 0, keyInput.length);
        digestInto(out);
        dst[off + 3] = getLong(out, 0);
        dst[off + 2] = getLong(out, 8);
        dst[off + 1] = getLong(out, 16);
        dst[off] = getLong(out, 24);
    }

    /** The fingerprint of a range with {@code count} keys whose key hashes sum to {@code sum[off..off+4)}. */
    public byte[] fingerprint(long count, long[] sum, int off, long salt, int len) {
        byte[] fp = new byte[len];
        fingerprintInto(count, sum, off, salt, fp);
        return fp;
    }

    /** As {@link #fingerprint}, writing {@code dst.length} bytes into {@code dst}. */
    public void fingerprintInto(long count, long[] sum, int off, long salt, byte[] dst) {
        rangeInput[1] = (byte) dst.length;
        putLong(rangeInput, 2, salt);
        putLong(rangeInput, 10, count);
        putLong(rangeInput, 18, sum[off + 3]);
        putLong(rangeInput, 26, sum[off + 2]);
        putLong(rangeInput, 34, sum[off + 1]);
        putLong(rangeInput, 42, sum[off]);
        sha.update(rangeInput, 0, rangeInput.length);
        digestInto(out);
        System.arraycopy(out, 0, dst, 0, dst.length);
    }

    private void digestInto(byte[] buf) {
        try {
            sha.digest(buf, 0, buf.length);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 digest into a 32-byte buffer failed", e);
        }
    }

    /** Writes {@code v} big-endian at {@code b[off..off+8)}. */
    public static void putLong(byte[] b, int off, long v) {
        for (int i = 7; i >= 0; i--) {
            b[off + i] = (byte) v;
            v >>>= 8;
        }
    }

    /** Reads a big-endian long from {@code b[off..off+8)}. */
    public static long getLong(byte[] b, int off) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[off + i] & 0xFFL);
        }
        return v;
    }
}
