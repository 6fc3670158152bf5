package dev.lorehub.crypto;

import java.security.SecureRandom;

/**
 * A deterministic {@link SecureRandom} for the simulator and tests: the same seed gives the same
 * bytes. Never for real keys.
 */
public final class SeededRandom {
    private SeededRandom() {
    }

    public static SecureRandom of(long seed) {
        throw new UnsupportedOperationException("skeleton");
    }
}
