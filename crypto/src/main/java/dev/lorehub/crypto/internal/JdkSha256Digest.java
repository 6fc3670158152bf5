package dev.lorehub.crypto.internal;

import org.bouncycastle.crypto.ExtendedDigest;

import java.security.DigestException;
import java.security.MessageDigest;

/**
 * Adapts the JDK's SHA-256 to BouncyCastle's {@link ExtendedDigest} interface so that BC's HMAC and
 * HKDF run on the hardware-accelerated JDK digest instead of BC's pure-Java one (this makes the
 * per-envelope key derivation several times cheaper). Glue only: the hash is the JDK's.
 */
public final class JdkSha256Digest implements ExtendedDigest {
    private final MessageDigest md = Sha256.newDigest();

    @Override
    public String getAlgorithmName() {
        return "SHA-256";
    }

    @Override
    public int getDigestSize() {
        return Sha256.LENGTH;
    }

    @Override
    public int getByteLength() {
        return 64; // SHA-256 block size, needed by HMAC
    }

    @Override
    public void update(byte in) {
        md.update(in);
    }

    @Override
    public void update(byte[] in, int inOff, int len) {
        md.update(in, inOff, len);
    }

    @Override
    public int doFinal(byte[] out, int outOff) {
        try {
            return md.digest(out, outOff, Sha256.LENGTH);
        } catch (DigestException e) {
            throw new IllegalStateException("SHA-256 output does not fit", e);
        }
    }

    @Override
    public void reset() {
        md.reset();
    }
}
