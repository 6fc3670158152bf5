package dev.lorehub.crypto;

import org.junit.jupiter.api.Test;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class SeededRandomTest {
    @Test
    void sameSeedSameStreamOtherSeedOtherStream() {
        SecureRandom a = SeededRandom.of(1);
        SecureRandom b = SeededRandom.of(1);
        SecureRandom c = SeededRandom.of(2);
        for (int i = 0; i < 100; i++) {
            long x = a.nextLong();
            assertThat(b.nextLong()).isEqualTo(x);
            assertThat(c.nextLong()).isNotEqualTo(x);
        }
    }

    @Test
    void setSeedDoesNotChangeTheStream() {
        SecureRandom a = SeededRandom.of(3);
        SecureRandom b = SeededRandom.of(3);
        a.setSeed(12345L);
        a.setSeed(new byte[] {1, 2, 3});
        assertThat(a.nextInt()).isEqualTo(b.nextInt());
    }

    @Test
    void largeRequestsAreServedAndMatchSmallOnes() {
        byte[] big = new byte[200_000];
        SeededRandom.of(4).nextBytes(big);
        SecureRandom r = SeededRandom.of(4);
        byte[] first = new byte[4096];
        r.nextBytes(first);
        assertThat(java.util.Arrays.copyOf(big, 4096)).isEqualTo(first);
        assertThat(SeededRandom.of(4).generateSeed(16)).hasSize(16);
    }
}
