package dev.lorehub.node.transport;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    private final Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));

    @Test
    void theCeilingDoublesUpToTheCap() {
        assertThat(backoff.ceilingNanos(0)).isEqualTo(Duration.ofMillis(100).toNanos());
        assertThat(backoff.ceilingNanos(1)).isEqualTo(Duration.ofMillis(200).toNanos());
        assertThat(backoff.ceilingNanos(5)).isEqualTo(Duration.ofMillis(3200).toNanos());
        assertThat(backoff.ceilingNanos(6)).isEqualTo(Duration.ofSeconds(5).toNanos());
        assertThat(backoff.ceilingNanos(62)).isEqualTo(Duration.ofSeconds(5).toNanos()); // no overflow
        assertThat(backoff.ceilingNanos(1_000)).isEqualTo(Duration.ofSeconds(5).toNanos());
    }

    @Test
    void delaysAreFullJitterWithinTheCeiling() {
        Random random = new Random(7);
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 2_000; i++) {
            long d = backoff.delay(3, random).toNanos();
            assertThat(d).isBetween(0L, Duration.ofMillis(800).toNanos());
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        // Spread over the whole range, not clustered near the ceiling.
        assertThat(min).isLessThan(Duration.ofMillis(40).toNanos());
        assertThat(max).isGreaterThan(Duration.ofMillis(760).toNanos());
    }

    @Test
    void theSameSeedGivesTheSameDelays() {
        Random first = new Random(42);
        Random second = new Random(42);
        for (int i = 0; i < 10; i++) {
            assertThat(backoff.delay(i, first)).isEqualTo(backoff.delay(i, second));
        }
    }
}
