package dev.lorehub.node.remote;

import dev.lorehub.crypto.SeededRandom;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class BackoffTest {
    @Test
    void growsExponentiallyWithJitterUpToTheCap() {
        Backoff b = new Backoff(1_000, 60_000);
        var random = SeededRandom.of(42);
        for (int failures = 1; failures <= 50; failures++) {
            long full = Math.min(60_000, 1_000L << Math.min(failures - 1, 40));
            for (int i = 0; i < 20; i++) {
                long d = b.delay(failures, random);
                assertThat(d).isBetween(full / 2, full);
            }
        }
    }

    @Test
    void devicesThatFailedTogetherDoNotRetryTogether() {
        Backoff b = Backoff.DEFAULT;
        Set<Long> delays = new HashSet<>();
        for (int device = 0; device < 10; device++) {
            delays.add(b.delay(4, SeededRandom.of(device)));
        }
        assertThat(delays).hasSizeGreaterThan(8);
    }
}
