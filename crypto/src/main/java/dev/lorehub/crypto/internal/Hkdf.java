package dev.lorehub.crypto.internal;

import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

/** HKDF-SHA256 (RFC 5869): BouncyCastle's generator over the JDK's SHA-256 (see {@link JdkSha256Digest}). */
public final class Hkdf {
    private Hkdf() {
    }

    /** Extract-then-expand: {@code length} bytes of OKM from {@code ikm}, {@code salt} (may be empty) and {@code info}. */
    public static byte[] derive(byte[] ikm, byte[] salt, byte[] info, int length) {
        byte[] out = new byte[length];
        HKDFBytesGenerator g = new HKDFBytesGenerator(new JdkSha256Digest());
        g.init(new HKDFParameters(ikm, salt, info));
        g.generateBytes(out, 0, length);
        return out;
    }

    /** RFC 5869 HKDF-Extract alone (exposed for the known-answer tests). */
    public static byte[] extract(byte[] ikm, byte[] salt) {
        return new HKDFBytesGenerator(new JdkSha256Digest()).extractPRK(salt, ikm);
    }
}
