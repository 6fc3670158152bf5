package dev.lorehub.crypto.internal;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * SHA-256 through the JDK's {@link MessageDigest}, whose implementation HotSpot replaces with
 * SHA-NI / AVX2 intrinsics (several times faster than a pure-Java digest). One instance per
 * thread, because {@code getInstance} does a provider lookup that costs more than hashing 1 KiB.
 * Each method uses the instance for one complete hash, so calls never interleave.
 */
public final class Sha256 {
    public static final int LENGTH = 32;

    private static final ThreadLocal<MessageDigest> DIGEST = ThreadLocal.withInitial(Sha256::newDigest);

    private Sha256() {
    }

    public static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    public static byte[] hash(byte[] data) {
        return hash(data, 0, data.length);
    }

    public static byte[] hash(byte[] data, int off, int len) {
        MessageDigest md = DIGEST.get();
        md.update(data, off, len);
        return md.digest();
    }

    /** SHA-256 of {@code data[off, off+len)} written into {@code out[outOff, outOff+32)}. */
    public static void hashInto(byte[] data, int off, int len, byte[] out, int outOff) {
        MessageDigest md = DIGEST.get();
        md.update(data, off, len);
        try {
            md.digest(out, outOff, LENGTH);
        } catch (java.security.DigestException e) {
            throw new IllegalStateException("SHA-256 output does not fit", e);
        }
    }
}
