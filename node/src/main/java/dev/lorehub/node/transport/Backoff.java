package dev.lorehub.node.transport;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with full jitter: the n-th retry (counting from 0) waits a uniformly random
 * time in {@code [0, min(max, base * 2^n)]}. Full jitter spreads devices that lost the network at the
 * same moment, so they do not all redial in lockstep when it returns.
 */
final class Backoff {
    private final long baseNanos;
    private final long maxNanos;

    Backoff(Duration base, Duration max) {
        this.baseNanos = base.toNanos();
        this.maxNanos = max.toNanos();
    }

    /** The cap for retry {@code failures} (0-based) before jitter. */
    long ceilingNanos(int failures) {
        int shift = Math.min(Math.max(failures, 0), 62);
        long ceiling = baseNanos << shift;
        // A shifted value that overflowed or passed the cap is the cap.
        return (ceiling >>> shift) != baseNanos || ceiling > maxNanos ? maxNanos : ceiling;
    }

    /** The delay before retry {@code failures} (0-based), drawn from {@code random}. */
    Duration delay(int failures, RandomGenerator random) {
        long ceiling = ceilingNanos(failures);
        return Duration.ofNanos(ceiling == 0 ? 0 : random.nextLong(ceiling + 1));
    }
}
