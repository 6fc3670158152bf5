package dev.lorehub.crypto.internal;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.prng.EntropySource;
import org.bouncycastle.crypto.prng.drbg.HashSP800DRBG;

import java.security.SecureRandomSpi;

/**
 * A reproducible random source for simulation and tests: BouncyCastle's NIST SP 800-90A Hash_DRBG
 * (SHA-256) whose "entropy" is derived from a seed instead of the operating system, so the same
 * seed yields the same byte stream on every machine. Requests are cut into chunks because a DRBG
 * limits the bytes per request; {@code setSeed} is ignored so nothing outside the seed can change
 * the stream.
 */
public final class DeterministicRandomSpi extends SecureRandomSpi {
    private static final long serialVersionUID = 1L;
    private static final int CHUNK = 4096;

    private final transient HashSP800DRBG drbg;

    public DeterministicRandomSpi(long seed) {
        byte[] seedBytes = new byte[8];
        Bytes.putLong(seedBytes, 0, seed);
        this.drbg = new HashSP800DRBG(new SHA256Digest(), 256, new SeedEntropy(seedBytes),
            Bytes.ascii("lorehub-seeded-random-v1"), seedBytes);
    }

    @Override
    protected void engineSetSeed(byte[] seed) {
        // Deliberately ignored: the stream depends on the constructor seed only.
    }

    @Override
    protected synchronized void engineNextBytes(byte[] bytes) {
        byte[] chunk = new byte[Math.min(CHUNK, bytes.length)];
        for (int at = 0; at < bytes.length; at += CHUNK) {
            int n = Math.min(CHUNK, bytes.length - at);
            if (n != chunk.length) {
                chunk = new byte[n];
            }
            if (drbg.generate(chunk, null, false) < 0) {
                drbg.reseed(null);
                drbg.generate(chunk, null, false);
            }
            System.arraycopy(chunk, 0, bytes, at, n);
        }
    }

    @Override
    protected byte[] engineGenerateSeed(int numBytes) {
        byte[] b = new byte[numBytes];
        engineNextBytes(b);
        return b;
    }

    /** Entropy input derived from the seed: SHA-256(label || seed || counter), as much as asked for. */
    private static final class SeedEntropy implements EntropySource {
        private final byte[] seed;
        private long counter;

        SeedEntropy(byte[] seed) {
            this.seed = seed;
        }

        @Override
        public boolean isPredictionResistant() {
            return false;
        }

        @Override
        public byte[] getEntropy() {
            byte[] out = new byte[256 / 8];
            byte[] block = Sha256.hash(Bytes.concat(Bytes.ascii("lorehub-seeded-entropy"), seed, longBytes(counter++)));
            System.arraycopy(block, 0, out, 0, out.length);
            return out;
        }

        @Override
        public int entropySize() {
            return 256;
        }

        private static byte[] longBytes(long v) {
            byte[] b = new byte[8];
            Bytes.putLong(b, 0, v);
            return b;
        }
    }
}
