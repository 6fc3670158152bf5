package dev.lorehub.node.endpoint;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The reconnect policy of one peer, with a manual clock. */
class PeerDialingTest {
    private final Random random = new Random(3);
    private final PeerDialing dialing = new PeerDialing(new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30)), 30_000);
    private final PeerAddress home = new PeerAddress("10.0.0.7", 7465);
    private final PeerAddress office = new PeerAddress("192.168.1.9", 7465);
    private long now = 1_000;

    @Test
    void aNewAddressIsDialedAtOnceAndFailuresBackOffUpToTheCapForever() {
        dialing.reported(home, now);
        assertThat(dialing.dueAt()).isEqualTo(now);
        long maxGap = 0;
        for (int attempt = 0; attempt < 500; attempt++) {
            now = Math.max(now, dialing.dueAt());
            assertThat(dialing.start()).isEqualTo(home);
            assertThat(dialing.dueAt()).isEqualTo(Long.MAX_VALUE); // one attempt at a time
            dialing.failed(now, random);
            long gap = dialing.dueAt() - now;
            assertThat(gap).isBetween(0L, 30_000L);
            maxGap = Math.max(maxGap, gap);
        }
        assertThat(dialing.retries()).isEqualTo(500);
        assertThat(maxGap).isGreaterThan(20_000); // it got to the cap, and never stopped
    }

    @Test
    void aKnownAddressReportedAgainRedialsAtOnceAfterFailuresButAtMostEveryFiveSeconds() {
        dialing.reported(home, now);
        dialing.start();
        dialing.failed(now, random);
        dialing.start();
        dialing.failed(now + 1, random);
        now += 10_000;
        dialing.reported(home, now); // seen again by mDNS: the peer is back
        assertThat(dialing.dueAt()).isEqualTo(now);
        dialing.start();
        dialing.failed(now, random);
        long after = dialing.dueAt();
        dialing.reported(home, now + 1_000); // announced again a second later: the backoff stands
        assertThat(dialing.dueAt()).isEqualTo(after);
        dialing.reported(home, now + PeerDialing.REPORT_REDIAL_MILLIS);
        assertThat(dialing.dueAt()).isEqualTo(now + PeerDialing.REPORT_REDIAL_MILLIS);
    }

    @Test
    void aConnectionCancelsTheRetryItsLossSchedulesOneAndAStableOneResetsTheBackoff() {
        dialing.reported(home, now);
        for (int i = 0; i < 6; i++) {
            dialing.start();
            dialing.failed(now, random);
        }
        assertThat(dialing.retries()).isEqualTo(6);
        dialing.connected(now); // the peer dialed us
        assertThat(dialing.dueAt()).isEqualTo(Long.MAX_VALUE);
        dialing.disconnected(now + 40_000, random); // open longer than stableAfter
        assertThat(dialing.retries()).isEqualTo(1);
        assertThat(dialing.dueAt()).isBetween(now + 40_000, now + 40_500);
    }

    @Test
    void addressesAreTriedInTurnNewestFirstAndBounded() {
        dialing.reported(home, now);
        dialing.reported(office, now);
        assertThat(dialing.start()).isEqualTo(office);
        dialing.failed(now, random);
        now = dialing.dueAt();
        assertThat(dialing.start()).isEqualTo(home);
        for (int i = 0; i < 20; i++) {
            dialing.reported(new PeerAddress("10.1.0." + i, 7465), now);
        }
        assertThat(dialing.addresses()).hasSize(PeerDialing.MAX_ADDRESSES);
    }

    @Test
    void nothingIsDialedWithoutAnAddressAndAWakeUpDialsAtOnce() {
        assertThat(dialing.dueAt()).isEqualTo(Long.MAX_VALUE);
        dialing.reported(home, now);
        dialing.start();
        dialing.failed(now, random);
        dialing.start();
        dialing.failed(now, random);
        dialing.reset(now + 5); // the laptop woke up
        assertThat(dialing.dueAt()).isEqualTo(now + 5);
        assertThat(dialing.retries()).isZero();
    }
}
