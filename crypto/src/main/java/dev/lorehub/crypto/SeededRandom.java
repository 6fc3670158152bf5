package dev.lorehub.crypto;

import dev.lorehub.crypto.internal.DeterministicRandomSpi;

import java.security.SecureRandom;

/**
 * A deterministic {@link SecureRandom} for the simulator and tests: the same seed gives the same
 * bytes, on every machine and JDK. It is BouncyCastle's SP 800-90A Hash_DRBG (SHA-256)
 * instantiated from the seed; {@code setSeed} has no effect. Never for real keys: anyone who
 * knows the seed knows every key drawn from it.
 */
public final class SeededRandom {
    private SeededRandom() {
    }

    public static SecureRandom of(long seed) {
        return new Deterministic(new DeterministicRandomSpi(seed));
    }

    /** SecureRandom's constructor that takes an SPI is protected; this is the one-line subclass that reaches it. */
    private static final class Deterministic extends SecureRandom {
        private static final long serialVersionUID = 1L;

        Deterministic(DeterministicRandomSpi spi) {
            super(spi, null);
        }

        @Override
        public String getAlgorithm() {
            return "LoreHubSeededHashDRBG";
        }
    }
}
