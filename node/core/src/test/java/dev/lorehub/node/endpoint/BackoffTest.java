package dev.lorehub.node.endpoint;

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

    /** Every retry count, for the daemon's own settings (500 ms doubling to 30 s) and for awkward bases. */
    @Test
    void everyRetryCountGivesADelayWithinTheCap() {
        Random random = new Random(11);
        Duration[][] settings = {
            {Duration.ofMillis(500), Duration.ofSeconds(30)}, // TransportConfig.defaults(): 500 ms << 35 hits the sign bit
            {Duration.ofMillis(100), Duration.ofSeconds(5)},
            {Duration.ofNanos(1), Duration.ofDays(365)},
            {Duration.ofSeconds(1), Duration.ofNanos(Long.MAX_VALUE)},
        };
        for (Duration[] s : settings) {
            Backoff b = new Backoff(s[0], s[1]);
            long max = s[1].toNanos();
            long previous = 0;
            for (int retry = 0; retry <= 100_000; retry++) {
                long ceiling = b.ceilingNanos(retry);
                assertThat(ceiling).as("ceiling at retry %d of %s..%s", retry, s[0], s[1]).isBetween(previous, max);
                previous = ceiling;
                assertThat(b.delay(retry, random).toNanos()).as("delay at retry %d", retry).isBetween(0L, ceiling);
            }
            assertThat(previous).isEqualTo(max);
        }
        Backoff daemon = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        assertThat(daemon.ceilingNanos(34)).isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(daemon.ceilingNanos(35)).isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(daemon.ceilingNanos(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30).toNanos());
        assertThat(daemon.ceilingNanos(-1)).isEqualTo(Duration.ofMillis(500).toNanos());
    }
}
