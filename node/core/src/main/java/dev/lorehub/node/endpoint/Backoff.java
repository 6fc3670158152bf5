package dev.lorehub.node.endpoint;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the n-th retry (counting from 0) waits a uniformly random
 * time in {@code [0, min(max, base * 2^n)]}. Full jitter spreads devices that lost the network at the
 * same moment, so they do not all redial in lockstep when it returns.
 *
 * <p>Correct for every retry count: {@code base * 2^n} is computed only while it fits in a positive
 * {@code long}; beyond that (for the daemon's 500 ms base, from retry 35 on, where the shift would
 * land on the sign bit) the ceiling is the cap.
 */
public final class Backoff {
    private final long baseNanos;
    private final long maxNanos;

    public Backoff(Duration base, Duration max) {
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The cap for retry {@code failures} (0-based; negative counts as 0) before jitter; never above the max. */
    public long ceilingNanos(int failures) {
        int shift = Math.max(failures, 0);
        // base << shift stays a positive long while the result needs at most 63 bits, i.e. while shift is
        // below the number of leading zeros of base (a shift of exactly that many reaches the sign bit).
        if (baseNanos > 0 && shift >= Long.numberOfLeadingZeros(baseNanos)) {
            return maxNanos;
        }
        return Math.min(baseNanos << shift, maxNanos);
    }

    /** The delay before retry {@code failures} (0-based), drawn from {@code random}: within [0, ceiling]. */
    public Duration delay(int failures, RandomGenerator random) {
        long ceiling = ceilingNanos(failures);
        if (ceiling <= 0) {
            return Duration.ZERO;
        }
        return Duration.ofNanos(ceiling == Long.MAX_VALUE ? random.nextLong(ceiling) : random.nextLong(ceiling + 1));
    }
}
