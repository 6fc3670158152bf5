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
    private final PeerDialer dialer = new PeerDialer(peer, new Backoff(BASE, MAX), new Random(1), scheduler, MAX,
        (d, address) -> dialed.add(address));

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
}
