package dev.lorehub.node.remote;

import java.util.random.RandomGenerator;

/**
 * Exponential backoff with jitter for retrying a remote ("full jitter" on the upper half: the
 * delay after the n-th consecutive failure is uniform in [d/2, d] with d = min(max, base * 2^(n-1))),
 * so devices that failed together do not retry together. Pure: time and randomness are arguments.
 */
public record Backoff(long baseMillis, long maxMillis) {
    /** 2 s doubling up to 10 minutes. */
    public static final Backoff DEFAULT = new Backoff(2_000, 600_000);

    public Backoff {
        if (baseMillis < 1 || maxMillis < baseMillis) {
            throw new IllegalArgumentException("backoff needs 1 <= base <= max");
        }
    }

    /** The delay before the next attempt after {@code failures} consecutive failures (at least 1). */
    public long delay(int failures, RandomGenerator random) {
        int n = Math.max(1, failures);
        long d = n > 40 ? maxMillis : Math.min(maxMillis, baseMillis << Math.min(n - 1, 40));
        long half = d / 2;
        return half + (long) (random.nextDouble() * (d - half + 1));
    }
}
