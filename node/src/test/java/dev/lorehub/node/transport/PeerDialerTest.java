package dev.lorehub.node.transport;

import dev.lorehub.crypto.DeviceId;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The reconnect state machine against a fake scheduler: no threads, no sockets, no waiting. */
class PeerDialerTest {
    private static final Duration BASE = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(2);

    /** Scheduled tasks, run by the test. */
    private static final class FakeScheduler implements RetryScheduler {
        record Task(Duration delay, Runnable run, boolean[] cancelled) {
        }

        final List<Task> tasks = new ArrayList<>();

        @Override
        public Cancellable schedule(Duration delay, Runnable task) {
            boolean[] cancelled = {false};
            tasks.add(new Task(delay, task, cancelled));
            return () -> cancelled[0] = true;
        }

        List<Task> pending() {
            return tasks.stream().filter(t -> !t.cancelled()[0]).toList();
        }

        /** Runs the only pending task; returns its delay. */
        Duration runNext() {
            List<Task> pending = pending();
            assertThat(pending).hasSize(1);
            Task task = pending.get(0);
            tasks.remove(task);
            task.run().run();
            return task.delay();
        }
    }

    private final DeviceId peer = TransportFixtures.device(41).deviceId();
    private final FakeScheduler scheduler = new FakeScheduler();
    private final List<InetSocketAddress> dialed = new ArrayList<>();
    /** A manual monotonic clock in nanoseconds. */
    private final long[] clock = {1_000_000_000L};
    private final PeerDialer dialer = new PeerDialer(peer, new Backoff(BASE, MAX), new Random(1), scheduler, MAX,
        () -> clock[0], (d, address) -> dialed.add(address));

    private void advance(Duration d) {
        clock[0] += d.toNanos();
    }

    private static InetSocketAddress address(int port) {
        return new InetSocketAddress(TransportFixtures.loopback(), port);
    }

    @Test
    void failedAttemptsBackOffExponentiallyUpToTheCapAndNeverStop() {
        dialer.addressReported(address(1000));
        assertThat(scheduler.runNext()).isZero();
        assertThat(dialed).containsExactly(address(1000));

        for (int failure = 0; failure < 12; failure++) {
            dialer.dialEnded(false, "refused");
            Duration delay = scheduler.runNext();
            long ceiling = Math.min(MAX.toNanos(), BASE.toNanos() << failure);
            assertThat(delay.toNanos()).isBetween(0L, ceiling);
        }
        assertThat(dialed).hasSize(13);
        assertThat(dialer.retries()).isEqualTo(12);
    }

    @Test
    void aNewAddressIsDialedAtOnceAndAKnownOneChangesNothing() {
        dialer.addressReported(address(1000));
        scheduler.runNext();
        dialer.dialEnded(false, "refused");
        assertThat(scheduler.pending()).hasSize(1); // waiting out the backoff

        dialer.addressReported(address(1000));
        assertThat(scheduler.pending()).hasSize(1).allSatisfy(t -> assertThat(t.delay()).isPositive());

        dialer.addressReported(address(2000));
        assertThat(scheduler.pending()).hasSize(1).allSatisfy(t -> assertThat(t.delay()).isZero());
        scheduler.runNext();
        assertThat(dialed).containsExactly(address(1000), address(2000));

        // Known addresses then take turns.
        dialer.dialEnded(false, "refused");
        scheduler.runNext();
        dialer.dialEnded(false, "refused");
        scheduler.runNext();
        assertThat(dialed).containsExactly(address(1000), address(2000), address(1000), address(2000));
    }

    @Test
    void aConnectionInEitherDirectionCancelsTheRetryAndItsLossSchedulesOne() {
        dialer.addressReported(address(1000));
        scheduler.runNext();
        dialer.dialEnded(false, "refused");
        assertThat(scheduler.pending()).hasSize(1);

        dialer.connected(); // the peer dialed us
        assertThat(scheduler.pending()).isEmpty();

        dialer.disconnected(Duration.ofMillis(10)); // short-lived: backoff keeps growing
        assertThat(scheduler.pending()).hasSize(1);
        assertThat(dialer.retries()).isEqualTo(2);
        scheduler.runNext();
        dialer.dialEnded(true, null);
        dialer.connected();
        dialer.disconnected(MAX); // stable: backoff starts over
        assertThat(dialer.retries()).isEqualTo(1);
        assertThat(scheduler.pending()).hasSize(1)
            .allSatisfy(t -> assertThat(t.delay()).isLessThanOrEqualTo(BASE));
    }

    @Test
    void stopCancelsAndPreventsEverything() {
        dialer.addressReported(address(1000));
        scheduler.runNext();
        dialer.dialEnded(false, "refused");
        dialer.stop();
        assertThat(scheduler.pending()).isEmpty();
        dialer.addressReported(address(2000));
        dialer.disconnected(MAX);
        assertThat(scheduler.pending()).isEmpty();
        assertThat(dialed).hasSize(1);
    }

    @Test
    void rememberedAddressesAreBounded() {
        for (int i = 0; i < PeerDialer.MAX_ADDRESSES + 5; i++) {
            dialer.addressReported(address(1000 + i));
        }
        dialer.connected();
        dialer.dialEnded(true, null);
        assertThat(scheduler.pending()).isEmpty();
        // The most recent address was dialed first; only MAX_ADDRESSES stay in rotation.
        dialer.disconnected(MAX);
        List<InetSocketAddress> rotation = new ArrayList<>();
        for (int i = 0; i < PeerDialer.MAX_ADDRESSES * 2; i++) {
            dialed.clear();
            scheduler.runNext();
            rotation.addAll(dialed);
            dialer.dialEnded(false, "refused");
        }
        assertThat(rotation.stream().distinct()).hasSize(PeerDialer.MAX_ADDRESSES);
    }

    /** With the daemon's own backoff (500 ms doubling to 30 s): past retry 35 retries keep being scheduled. */
    @Test
    void retriesNeverStopWithTheDaemonsBackoff() {
        Duration max = TransportConfig.defaults().reconnectMaxDelay();
        PeerDialer daemonLike = new PeerDialer(peer, new Backoff(TransportConfig.defaults().reconnectBaseDelay(), max),
            new Random(3), scheduler, max, () -> clock[0], (d, address) -> dialed.add(address));
        daemonLike.addressReported(address(1000));
        scheduler.runNext();
        for (int failure = 0; failure < 200; failure++) {
            daemonLike.dialEnded(false, "no route to host");
            Duration delay = scheduler.runNext(); // exactly one retry pending, every time
            assertThat(delay).isBetween(Duration.ZERO, max);
        }
        assertThat(daemonLike.retries()).isEqualTo(200);
        assertThat(dialed).hasSize(201);
    }

    @Test
    void aPeerReportedAgainAtAKnownAddressAfterFailuresIsDialedAtOnce() {
        dialer.addressReported(address(1000));
        scheduler.runNext();
        for (int i = 0; i < 10; i++) {
            dialer.dialEnded(false, "unreachable");
            scheduler.runNext();
        }
        dialer.dialEnded(false, "unreachable");
        assertThat(scheduler.pending()).singleElement().satisfies(t -> assertThat(t.delay()).isPositive());
        advance(Duration.ofMinutes(10)); // asleep; then discovery sees it again where it was

        dialer.addressReported(address(1000));

        assertThat(scheduler.pending()).singleElement().satisfies(t -> assertThat(t.delay()).isZero());
        scheduler.runNext();
        assertThat(dialed).hasSize(12).last().isEqualTo(address(1000));
    }

    @Test
    void repeatedReportsRedialAtMostOncePerInterval() {
        dialer.addressReported(address(1000));
        scheduler.runNext();
        dialer.dialEnded(false, "refused");
        advance(PeerDialer.REPORT_REDIAL_INTERVAL);
        dialer.addressReported(address(1000)); // the peer is announced: dial now
        scheduler.runNext();
        assertThat(dialed).hasSize(2);
        dialer.dialEnded(false, "refused");   // it still refuses us: back to the backoff

        for (int second = 1; second < PeerDialer.REPORT_REDIAL_INTERVAL.toSeconds(); second++) {
            advance(Duration.ofSeconds(1));
            dialer.addressReported(address(1000)); // announced every second: the backoff holds
            assertThat(scheduler.pending()).singleElement().satisfies(t -> assertThat(t.delay()).isPositive());
        }
        advance(Duration.ofSeconds(1));
        dialer.addressReported(address(1000));
        assertThat(scheduler.pending()).singleElement().satisfies(t -> assertThat(t.delay()).isZero());
    }

    @Test
    void reportsWhileConnectedOrDialingChangeNothing() {
        dialer.addressReported(address(1000));
        scheduler.runNext(); // dialing
        advance(Duration.ofMinutes(1));
        dialer.addressReported(address(1000));
        assertThat(scheduler.pending()).isEmpty();
        dialer.connected();
        dialer.dialEnded(true, null);
        advance(Duration.ofMinutes(1));
        dialer.addressReported(address(1000));
        assertThat(scheduler.pending()).isEmpty();
        assertThat(dialed).hasSize(1);
    }
}
