package dev.lorehub.discovery;

import java.time.Duration;
import java.util.Objects;

/**
 * How static peers are probed: a TCP connect, bounded by {@link #connectTimeout}, repeated with capped
 * exponential backoff until it succeeds, then repeated every {@link #recheckInterval} to notice that the
 * peer went away.
 *
 * @param connectTimeout    how long one connect attempt may take
 * @param firstRetry        delay after the first failed attempt; doubles after each further failure
 * @param maxRetry          cap of that delay
 * @param recheckInterval   delay between probes while the peer is reachable
 * @param failuresBeforeLost consecutive failed probes of a reachable peer before it is reported lost (≥ 1)
 */
public record StaticPeerPolicy(
        Duration connectTimeout, Duration firstRetry, Duration maxRetry, Duration recheckInterval, int failuresBeforeLost) {

    /** One-second connects, retries from 250 ms up to 30 s, rechecks every 30 s, lost after 2 failures. */
    public static final StaticPeerPolicy DEFAULT = new StaticPeerPolicy(
            Duration.ofSeconds(1), Duration.ofMillis(250), Duration.ofSeconds(30), Duration.ofSeconds(30), 2);

    /** Validates: all durations positive, {@code firstRetry ≤ maxRetry}, {@code failuresBeforeLost ≥ 1}. */
    public StaticPeerPolicy {
        positive(connectTimeout, "connectTimeout");
        positive(firstRetry, "firstRetry");
        positive(maxRetry, "maxRetry");
        positive(recheckInterval, "recheckInterval");
        if (firstRetry.compareTo(maxRetry) > 0) {
            throw new IllegalArgumentException("firstRetry must not exceed maxRetry");
        }
        if (failuresBeforeLost < 1) {
            throw new IllegalArgumentException("failuresBeforeLost must be at least 1");
        }
    }

    private static void positive(Duration duration, String name) {
        Objects.requireNonNull(duration, name);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " must be positive");
        }
    }
}
